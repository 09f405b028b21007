package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// writeSharedConfig writes an AWS shared config file with one profile per
// account, each with static test credentials and a services section that
// sends every service to that account's local endpoint: the way the SDK
// (and the AWS CLI) take endpoints from configuration.
func writeSharedConfig(dir string, endpoints map[string]map[string]string) (string, error) {
	var b strings.Builder
	for _, profile := range slices.Sorted(maps.Keys(endpoints)) {
		fmt.Fprintf(&b, "[profile %s]\naws_access_key_id = test\naws_secret_access_key = test\nregion = us-east-1\nservices = local-%s\n\n", profile, profile)
		fmt.Fprintf(&b, "[services local-%s]\n", profile)
		for _, service := range localServices {
			fmt.Fprintf(&b, "%s =\n  endpoint_url = %s\n", service, endpoints[profile][service])
		}
		b.WriteString("\n")
	}
	path := filepath.Join(dir, "config")
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}

// localServices are the services the local endpoints serve.
var localServices = []string{"dynamodb", "iam", "lambda", "sqs", "sts"}

// isolateAWSEnv points the SDK at the test's shared config file only, with
// nothing from the caller's AWS environment.
func isolateAWSEnv(configFile string) {
	for _, e := range os.Environ() {
		if name, _, _ := strings.Cut(e, "="); strings.HasPrefix(name, "AWS_") {
			os.Unsetenv(name)
		}
	}
	os.Setenv("AWS_CONFIG_FILE", configFile)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// denyingProxy forwards DynamoDB calls to moto, except the operations in
// denied (X-Amz-Target names, such as "DynamoDB_20120810.DeleteItem"),
// which it answers as DynamoDB answers a caller without the permission.
// moto_server does not enforce IAM.
func denyingProxy(moto string, denied func() map[string]bool) (*httptest.Server, error) {
	target, err := url.Parse(moto)
	if err != nil {
		return nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		if !denied()[op] {
			proxy.ServeHTTP(w, r)
			return
		}
		action := "dynamodb:" + op[strings.Index(op, ".")+1:]
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#AccessDeniedException","message":"User: arn:aws:sts::111111111111:assumed-role/ops/test is not authorized to perform: %s on resource: %s"}`, action, "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items")
	})), nil
}

var invocationPath = regexp.MustCompile(`^/2015-03-31/functions/([^/]+)/invocations$`)

// lambdaRouter stands in for Lambda's endpoint in the writer account:
// moto_server keeps the functions' configuration but runs no Go function,
// so Invoke goes to the Runtime Interface Emulator running the real writer
// binary, and every other call to moto_server.
func lambdaRouter(moto string, fn *lambdalocal.Function) (*httptest.Server, error) {
	target, err := url.Parse(moto)
	if err != nil {
		return nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !invocationPath.MatchString(r.URL.Path) {
			proxy.ServeHTTP(w, r)
			return
		}
		payload, _ := io.ReadAll(r.Body)
		res, err := fn.Invoke(r.Context(), payload)
		if err != nil {
			w.Header().Set("X-Amzn-ErrorType", "ServiceException")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, `{"Type":"Service","message":%q}`, err.Error())
			return
		}
		if res.ErrorType != "" || res.ErrorMessage != "" {
			w.Header().Set("X-Amz-Function-Error", "Unhandled") // as Lambda marks a function's error
		}
		w.Header().Set("X-Amz-Executed-Version", "$LATEST")
		w.Write(res.Payload)
	})), nil
}

// clientsFor returns SDK clients for a profile of the shared config file.
func awsConfigFor(t *testing.T, profile, region string) aws.Config {
	t.Helper()
	c, err := awsconfig.LoadDefaultConfig(context.Background(), awsconfig.WithSharedConfigProfile(profile), awsconfig.WithRegion(region))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seed creates in the local services what the synthesized templates
// deploy: the table with its settings and resource policy (profile a), and
// each role with its trust and inline policies, each function with its
// environment, role, architecture and runtime, and each queue with its
// attributes, its queue policy and its event source mapping (profile b).
func seed(t *testing.T, assembly string) {
	t.Helper()
	templates, err := access.LoadAssembly(assembly, func(r string) string { return config.Regions[r] })
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range templates {
		profile := map[string]string{"111111111111": "a", "222222222222": "b"}[tpl.Account]
		if profile == "" {
			t.Fatalf("seed: stack %s is in account %q, which no local service serves", tpl.Stack, tpl.Account)
		}
		s := &seeder{t: t, tpl: tpl, aws: awsConfigFor(t, profile, tpl.Region)}
		s.run()
	}
}

type seeder struct {
	t   *testing.T
	tpl *access.Template
	aws aws.Config
}

func (s *seeder) run() {
	ctx := context.Background()
	// A queue before the queues that redrive to it, queues before the
	// functions told their URLs.
	order := []string{"AWS::DynamoDB::GlobalTable", "AWS::IAM::Role", "AWS::IAM::Policy",
		"dead-letter AWS::SQS::Queue", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping"}
	var mapped []string // the queues with a mapping
	for _, typ := range order {
		for logical, r := range s.tpl.Resources {
			if redrives := r.Properties["RedrivePolicy"] != nil; r.Type == "AWS::SQS::Queue" && (typ == "dead-letter AWS::SQS::Queue") == redrives {
				continue
			}
			if r.Type != strings.TrimPrefix(typ, "dead-letter ") {
				continue
			}
			var err error
			switch typ {
			case "AWS::DynamoDB::GlobalTable":
				err = s.table(ctx, r.Properties)
			case "AWS::IAM::Role":
				err = s.role(ctx, r.Properties)
			case "AWS::IAM::Policy":
				err = s.policy(ctx, r.Properties)
			case "AWS::Lambda::Function":
				err = s.function(ctx, logical, r.Properties)
			case "dead-letter AWS::SQS::Queue", "AWS::SQS::Queue":
				err = s.queue(ctx, logical, r.Properties)
			case "AWS::SQS::QueuePolicy":
				err = s.queuePolicy(ctx, r.Properties)
			case "AWS::Lambda::EventSourceMapping":
				var queue string
				queue, err = s.mapping(ctx, r.Properties)
				mapped = append(mapped, queue)
			}
			if err != nil {
				s.t.Fatalf("seed %s/%s: %v", s.tpl.Stack, logical, err)
			}
		}
	}
	for _, name := range mapped {
		if err := s.detachMapping(ctx, name); err != nil {
			s.t.Fatalf("seed %s: queue %s: %v", s.tpl.Stack, name, err)
		}
	}
}

// resolve replaces the intrinsics the CDK emits in these templates: a Ref
// to a resource becomes its physical name (a queue's, its URL), Fn::GetAtt
// Arn a made-up ARN.
func (s *seeder) resolve(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["Ref"].(string); ok {
			if s.tpl.Resources[ref].Type == "AWS::SQS::Queue" {
				return s.queueURL(ref)
			}
			return s.physicalName(ref)
		}
		if ga, ok := v["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return s.arnOf(ga[0].(string))
		}
		out := map[string]any{}
		for k, e := range v {
			out[k] = s.resolve(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = s.resolve(e)
		}
		return out
	}
	return v
}

func (s *seeder) physicalName(logical string) string {
	r := s.tpl.Resources[logical]
	for _, k := range []string{"RoleName", "TableName", "FunctionName", "QueueName"} {
		if name, ok := r.Properties[k].(string); ok {
			return name
		}
	}
	return s.tpl.Stack + "-" + logical
}

func (s *seeder) arnOf(logical string) string {
	r := s.tpl.Resources[logical]
	name := s.physicalName(logical)
	switch r.Type {
	case "AWS::IAM::Role":
		return fmt.Sprintf("arn:aws:iam::%s:role/%s", s.tpl.Account, name)
	case "AWS::Logs::LogGroup":
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", s.tpl.Region, s.tpl.Account, name)
	case "AWS::SQS::Queue":
		return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", s.tpl.Region, s.tpl.Account, name)
	}
	s.t.Fatalf("seed: no ARN for %s (%s)", logical, r.Type)
	return ""
}

func jsonString(v any) *string {
	b, _ := json.Marshal(v)
	return aws.String(string(b))
}

// decode converts a template value into an SDK input type through JSON.
func decode(from any, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

func (s *seeder) table(ctx context.Context, p map[string]any) error {
	var in struct {
		TableName            string
		AttributeDefinitions []struct{ AttributeName, AttributeType string }
		KeySchema            []struct{ AttributeName, KeyType string }
		Replicas             []struct {
			DeletionProtectionEnabled        bool
			PointInTimeRecoverySpecification struct{ PointInTimeRecoveryEnabled bool }
			ResourcePolicy                   struct{ PolicyDocument any }
		}
	}
	if err := decode(p, &in); err != nil {
		return err
	}
	if len(in.Replicas) != 1 {
		return fmt.Errorf("%d replicas, the seed handles one", len(in.Replicas))
	}
	rep := in.Replicas[0]
	create := &dynamodb.CreateTableInput{
		TableName:                 aws.String(in.TableName),
		BillingMode:               ddbtypes.BillingModePayPerRequest,
		DeletionProtectionEnabled: aws.Bool(rep.DeletionProtectionEnabled),
	}
	for _, d := range in.AttributeDefinitions {
		create.AttributeDefinitions = append(create.AttributeDefinitions, ddbtypes.AttributeDefinition{AttributeName: aws.String(d.AttributeName), AttributeType: ddbtypes.ScalarAttributeType(d.AttributeType)})
	}
	for _, k := range in.KeySchema {
		create.KeySchema = append(create.KeySchema, ddbtypes.KeySchemaElement{AttributeName: aws.String(k.AttributeName), KeyType: ddbtypes.KeyType(k.KeyType)})
	}
	db := dynamodb.NewFromConfig(s.aws)
	out, err := db.CreateTable(ctx, create)
	if err != nil {
		return err
	}
	arn := out.TableDescription.TableArn
	if _, err := db.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{
		TableName:                        arn,
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(rep.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled)},
	}); err != nil {
		return err
	}
	if rep.ResourcePolicy.PolicyDocument == nil {
		return nil
	}
	_, err = db.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: arn, Policy: jsonString(s.resolve(rep.ResourcePolicy.PolicyDocument))})
	return err
}

func (s *seeder) role(ctx context.Context, p map[string]any) error {
	for k := range p {
		if k != "RoleName" && k != "AssumeRolePolicyDocument" && k != "Description" {
			return fmt.Errorf("role property %s: the seed does not create it", k)
		}
	}
	desc, _ := p["Description"].(string)
	_, err := iam.NewFromConfig(s.aws).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(p["RoleName"].(string)),
		AssumeRolePolicyDocument: jsonString(s.resolve(p["AssumeRolePolicyDocument"])),
		Description:              aws.String(desc),
	})
	return err
}

func (s *seeder) policy(ctx context.Context, p map[string]any) error {
	roles, _ := s.resolve(p["Roles"]).([]any)
	for _, r := range roles {
		if _, err := iam.NewFromConfig(s.aws).PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName:       aws.String(r.(string)),
			PolicyName:     aws.String(p["PolicyName"].(string)),
			PolicyDocument: jsonString(s.resolve(p["PolicyDocument"])),
		}); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) function(ctx context.Context, logical string, p map[string]any) error {
	var in struct {
		Runtime, Handler string
		Architectures    []lambdatypes.Architecture
		Environment      struct{ Variables map[string]string }
		MemorySize       int32
		Timeout          int32
	}
	if err := decode(s.resolve(p), &in); err != nil {
		return err
	}
	_, err := lambda.NewFromConfig(s.aws).CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName:  aws.String(s.physicalName(logical)),
		Role:          aws.String(s.resolve(p["Role"]).(string)),
		Runtime:       lambdatypes.Runtime(in.Runtime),
		Handler:       aws.String(in.Handler),
		Architectures: in.Architectures,
		Environment:   &lambdatypes.Environment{Variables: in.Environment.Variables},
		MemorySize:    aws.Int32(in.MemorySize),
		Timeout:       aws.Int32(in.Timeout),
		Code:          &lambdatypes.FunctionCode{ZipFile: placeholderZip()},
	})
	return err
}

// placeholderZip is the code moto stores: the emulator runs the real
// bootstrap, so the zip's content is never run.
func placeholderZip() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("bootstrap")
	w.Write([]byte("#!/bin/sh\n"))
	z.Close()
	return b.Bytes()
}

// queue creates a queue with the attributes its template sets.
func (s *seeder) queue(ctx context.Context, logical string, p map[string]any) error {
	attrs := map[string]string{}
	for k, v := range s.resolve(p).(map[string]any) {
		switch k {
		case "QueueName":
		case "RedrivePolicy":
			attrs[k] = *jsonString(v)
		case "VisibilityTimeout", "MessageRetentionPeriod", "SqsManagedSseEnabled":
			attrs[k] = *jsonString(v) // 1209600, not fmt's 1.2096e+06
		default:
			return fmt.Errorf("queue property %s: the seed does not create it", k)
		}
	}
	_, err := sqs.NewFromConfig(s.aws).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(s.physicalName(logical)), Attributes: attrs})
	return err
}

// queueURL is the URL of a queue the seed created.
func (s *seeder) queueURL(logical string) string {
	out, err := sqs.NewFromConfig(s.aws).GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String(s.physicalName(logical))})
	if err != nil {
		s.t.Fatalf("seed: the URL of %s: %v", logical, err)
	}
	return aws.ToString(out.QueueUrl)
}

func (s *seeder) queuePolicy(ctx context.Context, p map[string]any) error {
	client := sqs.NewFromConfig(s.aws)
	queues, _ := s.resolve(p["Queues"]).([]any)
	for _, url := range queues {
		if _, err := client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url.(string)),
			Attributes: map[string]string{"Policy": *jsonString(s.resolve(p["PolicyDocument"]))}}); err != nil {
			return err
		}
	}
	return nil
}

// mapping creates an event source mapping and returns the name of its
// queue.
func (s *seeder) mapping(ctx context.Context, p map[string]any) (string, error) {
	var in lambda.CreateEventSourceMappingInput
	if err := decode(s.resolve(p), &in); err != nil {
		return "", err
	}
	if _, err := lambda.NewFromConfig(s.aws).CreateEventSourceMapping(ctx, &in); err != nil {
		return "", err
	}
	a, err := arn.Parse(aws.ToString(in.EventSourceArn))
	return a.Resource, err
}

// detachMapping re-creates a mapped queue as it was. moto invokes a
// mapping's function through Docker when a message is sent, which this
// machine does not have, and the message would stay received: the queue
// re-created keeps the mapping listed but no longer triggers it, and the
// tests' drainQueue stands in for it.
func (s *seeder) detachMapping(ctx context.Context, name string) error {
	client := sqs.NewFromConfig(s.aws)
	url, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return err
	}
	got, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"All"}})
	if err != nil {
		return err
	}
	attrs := map[string]string{}
	for _, k := range []string{"VisibilityTimeout", "MessageRetentionPeriod", "SqsManagedSseEnabled", "RedrivePolicy", "Policy"} {
		if v, ok := got.Attributes[k]; ok {
			attrs[k] = v
		}
	}
	if _, err := client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: url.QueueUrl}); err != nil {
		return err
	}
	_, err = client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	return err
}
