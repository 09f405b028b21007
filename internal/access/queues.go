package access

import (
	"fmt"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// Queue is an SQS queue of the templates with its policy: whoever may send
// to a queue that feeds a function makes the function act.
type Queue struct {
	Arn, Account, Region string
	Stack, Logical       string
	// Policy holds the statements of every AWS::SQS::QueuePolicy on the
	// queue; none when it has no policy.
	Policy []Statement
}

// Name labels the queue in messages: its stack and logical id.
func (q *Queue) Name() string { return q.Stack + "/" + q.Logical }

// queueArn is the ARN of a queue of the template, with an opaque name when
// the template leaves the name to CloudFormation: the value a Fn::GetAtt
// of its Arn resolves to, so that an event source mapping or an identity
// policy naming the queue matches it.
func (t *Template) queueArn(logical, where string) (string, error) {
	if t.Account == "" || t.Region == "" || t.Partition == "" {
		return "", fmt.Errorf("%s: queue %s/%s: account or region unknown (no environment in the cloud assembly manifest)", where, t.Stack, logical)
	}
	name, ok, err := t.nameProp(logical, "QueueName", where)
	if err != nil {
		return "", err
	}
	if !ok {
		name = t.opaque(logical, "QueueName")
	}
	return arns.Queue(t.Partition, t.Region, t.Account, name), nil
}

func (c *collector) addQueue(t *Template, logical string) {
	arn, err := t.queueArn(logical, t.Stack+"/"+logical)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.queues = append(c.queues, &Queue{Arn: arn, Account: t.Account, Region: t.Region, Stack: t.Stack, Logical: logical})
}

// addQueuePolicy reads an AWS::SQS::QueuePolicy and adds its statements to
// each queue it names. A queue the check cannot identify is an error: what
// it feeds is unknown.
func (c *collector) addQueuePolicy(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	list, ok := r.Properties["Queues"].([]any)
	if !ok || len(list) == 0 {
		c.fail("%s Queues: got %s, want a non-empty list", where, describe(r.Properties["Queues"]))
		return
	}
	resolved, err := t.resolve(r.Properties["PolicyDocument"], where+" PolicyDocument")
	var stmts []Statement
	if err == nil {
		stmts, err = ParsePolicy(resolved, QueuePolicy, Location{Stack: t.Stack, Resource: logical, Policy: "PolicyDocument"})
	}
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	for i, entry := range list {
		q := c.queueOf(t, entry)
		if q == nil {
			c.fail("%s Queues[%d]: got %s, want a Ref of a queue of stack %s", where, i, describe(entry), t.Stack)
			continue
		}
		q.Policy = append(q.Policy, stmts...)
	}
}

// queueOf finds the queue of a Ref or Fn::GetAtt, or nil.
func (c *collector) queueOf(t *Template, v any) *Queue {
	logical := refOrArn(v)
	for _, q := range c.queues {
		if q.Stack == t.Stack && q.Logical == logical {
			return q
		}
	}
	return nil
}
