package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// alarmTopic is where a stack's alarms notify: a topic with email
// subscribed, or nil when email is "" (the alarms then have no action).
func alarmTopic(stack awscdk.Stack, email string) awssns.Topic {
	if email == "" {
		return nil
	}
	topic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String(*stack.StackName() + " alarms"),
		EnforceSSL:  jsii.Bool(true),
	})
	topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil))
	cdknag.NagSuppressions_AddResourceSuppressions(topic, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SNS2"),
		Reason: jsii.String("The topic carries only alarm state changes, no table data; CloudWatch cannot publish to a topic " +
			"encrypted with the AWS managed SNS key, and a customer-managed key for alarm notices is not worth its cost here."),
	}}, jsii.Bool(true))
	return topic
}

// alarmOnAny raises an alarm when metric reaches 1 or more in a 5-minute
// period, notifying topic when there is one. Missing data (no traffic) is
// not an alarm.
func alarmOnAny(scope constructs.Construct, id string, metric awscloudwatch.IMetric, description string, topic awssns.Topic) awscloudwatch.Alarm {
	return alarmAbove(scope, id, metric, 1, description, topic)
}

// alarmAbove raises an alarm when metric reaches threshold in a 5-minute
// period, notifying topic when there is one. Missing data is not an alarm.
func alarmAbove(scope constructs.Construct, id string, metric awscloudwatch.IMetric, threshold float64, description string, topic awssns.Topic) awscloudwatch.Alarm {
	alarm := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(description),
	})
	if topic != nil {
		alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(topic))
	}
	return alarm
}

// fiveMinutes is the period every alarm evaluates: a function, so that no
// jsii call runs when the package is loaded.
func fiveMinutes() awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(5)) }
