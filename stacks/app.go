// Package stacks defines the app's two kinds of stack (the table in account
// A, a writer in each other account) and how they are linked, from the
// configuration of package config.
package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// App is every stack the configuration defines.
type App struct {
	Table   *TableStack
	Writers []*WriterStack
}

// Build adds the table's stack and one stack per writer to scope. The stacks
// are linked by literal ARNs computed from cfg, never by CloudFormation
// exports, which cannot cross accounts; so they can be deployed in either
// order.
func Build(scope constructs.Construct, cfg config.Config) (*App, error) {
	tableArn := cfg.TableArn()
	app := &App{Table: NewTableStack(scope, config.TableStackName, &TableStackProps{
		StackProps: stackProps(cfg.TableAccount, cfg.TableRegion, "DynamoDB table "+cfg.TableName+" shared with writers in other accounts"),
		TableName:  cfg.TableName,
		Grants:     cfg.Grants(),
		Encryption: encryption(cfg),
		AlarmEmail: cfg.AlarmEmail,
	})}
	for _, w := range cfg.Writers {
		ws, err := NewWriterStack(scope, w.StackName(), &WriterStackProps{
			StackProps: stackProps(w.Account, w.Region, "Writer "+w.Name+": writes to "+tableArn+" from account "+w.Account),
			RoleName:   w.RoleName,
			TableArn:   tableArn,
			Actions:    w.Actions,
			KeyUse:     keyUse(cfg),
			Queue:      writerQueue(w),
			AlarmEmail: cfg.AlarmEmail,
		})
		if err != nil {
			return nil, err
		}
		app.Writers = append(app.Writers, ws)
	}
	return app, nil
}

// stackProps pins a stack to an explicit account and region: with
// CDK_DEFAULT_ACCOUNT both stacks would get the account of the one --profile
// in use.
func stackProps(account, region, description string) awscdk.StackProps {
	return awscdk.StackProps{
		Env:         &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)},
		Description: jsii.String(description),
	}
}

// encryption is the table's customer-managed key, nil for the AWS owned
// key.
func encryption(cfg config.Config) *CustomerManagedKey {
	if !cfg.CustomerManagedKey() {
		return nil
	}
	return &CustomerManagedKey{Alias: cfg.KeyAlias(), Policy: cfg.KeyPolicy()}
}

// keyUse is what the writers may do with the table's customer-managed key,
// nil for the AWS owned key.
func keyUse(cfg config.Config) *config.KeyUse {
	if !cfg.CustomerManagedKey() {
		return nil
	}
	use := cfg.WriterKeyUse()
	return &use
}

// writerQueue is the queue in front of w's function, nil for an invoke
// writer.
func writerQueue(w config.Writer) *WriterQueue {
	if w.Source != config.SourceQueue {
		return nil
	}
	return &WriterQueue{Name: w.QueueName(), Arn: w.QueueArn(), Settings: *w.Queue}
}
