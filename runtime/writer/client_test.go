package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// lambdaEnv is the environment Lambda gives the function, in another region
// than the table's, with the endpoint of a local test server.
func lambdaEnv(endpoint string) map[string]string {
	return map[string]string{
		"AWS_REGION":         "eu-west-1",
		"AWS_DEFAULT_REGION": "eu-west-1",
		envAccessKeyID:       "ASIAEXAMPLEKEY",
		envSecretAccessKey:   "secret",
		envSessionToken:      "session-token",
		envEndpoint:          endpoint,
	}
}

// The client signs with the credentials of the environment, for the table's
// region from the ARN (not AWS_REGION), and sends to
// AWS_ENDPOINT_URL_DYNAMODB.
func TestClientTakesCredentialsFromTheEnvironmentAndRegionFromTheTable(t *testing.T) {
	t.Parallel()
	got := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	env := lambdaEnv(srv.URL)

	table, err := parseTableARN("arn:aws:dynamodb:ap-southeast-2:111111111111:table/items")
	if err != nil {
		t.Fatal(err)
	}
	db := newClient(table.Region, func(k string) string { return env[k] })
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{
		TableName: aws.String(table.String()),
		Item:      map[string]types.AttributeValue{"category": s("c"), "item": s("i")},
	}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}

	r := <-got
	auth := r.Header.Get("Authorization")
	if want := "Credential=ASIAEXAMPLEKEY/"; !strings.Contains(auth, want) {
		t.Errorf("Authorization = %q, want the key from %s", auth, envAccessKeyID)
	}
	if want := "/ap-southeast-2/dynamodb/aws4_request"; !strings.Contains(auth, want) {
		t.Errorf("Authorization = %q, want it signed for the table's region (%s)", auth, want)
	}
	if tok := r.Header.Get("X-Amz-Security-Token"); tok != "session-token" {
		t.Errorf("X-Amz-Security-Token = %q, want %s", tok, envSessionToken)
	}
	if target := r.Header.Get("X-Amz-Target"); target != "DynamoDB_20120810.PutItem" {
		t.Errorf("X-Amz-Target = %q", target)
	}
}

func TestClientWithoutEndpointVariableUsesTheRegionalEndpoint(t *testing.T) {
	t.Parallel()
	env := lambdaEnv("")
	db := newClient("us-east-1", func(k string) string { return env[k] })
	o := db.Options()
	if o.BaseEndpoint != nil {
		t.Errorf("BaseEndpoint = %q, want none", *o.BaseEndpoint)
	}
	if o.Region != "us-east-1" {
		t.Errorf("Region = %q, want us-east-1", o.Region)
	}
	if o.Retryer.MaxAttempts() != maxAttempts {
		t.Errorf("the client's retryer is not newRetryer's: MaxAttempts = %d", o.Retryer.MaxAttempts())
	}
}

// Credentials are read when the SDK first asks (the first request), not at
// init; missing ones are an error naming the variables.
func TestEnvCredentials(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	provider := envCredentials(func(k string) string { return env[k] })
	if _, err := provider.Retrieve(context.Background()); !errors.Is(err, errNoCredentials) {
		t.Errorf("without credentials: got %v, want errNoCredentials", err)
	}
	env[envAccessKeyID], env[envSecretAccessKey] = "AKIDEXAMPLE", "secret"
	c, err := provider.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "AKIDEXAMPLE" || c.SecretAccessKey != "secret" || c.SessionToken != "" || c.CanExpire {
		t.Errorf("got %+v, %v; want the key pair without a token, not expiring", c, err)
	}
}
