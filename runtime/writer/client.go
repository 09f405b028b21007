package main

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Environment variables the client is built from. Lambda sets the first three
// to the execution role's temporary credentials; the endpoint is for local
// runs (moto_server), where the SDK's configuration loading would honour it.
const (
	envAccessKeyID     = "AWS_ACCESS_KEY_ID"
	envSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	envSessionToken    = "AWS_SESSION_TOKEN"
	envEndpoint        = "AWS_ENDPOINT_URL_DYNAMODB"
)

// newClient returns the DynamoDB client for a table in region, configured
// from getenv the way Lambda provides it. It is built from the SDK's own
// pieces instead of config.LoadDefaultConfig, which would link the shared
// config parser, SSO, STS and IMDS into a function that only ever reads its
// credentials from the environment (about 2 MB of the binary, paged in at
// every cold start).
//
// The region is the table's, never AWS_REGION: a request signed for the
// function's region is refused by a table in another one.
func newClient(region string, getenv func(string) string) *dynamodb.Client {
	o := dynamodb.Options{
		Region:      region,
		Credentials: aws.NewCredentialsCache(envCredentials(getenv)),
		Retryer:     newRetryer(),
	}
	if url := getenv(envEndpoint); url != "" {
		o.BaseEndpoint = aws.String(url)
	}
	return dynamodb.New(o)
}

// errNoCredentials is returned when the environment holds no credentials.
var errNoCredentials = errors.New(envAccessKeyID + " and " + envSecretAccessKey + " are not set: Lambda sets them to the execution role's credentials")

// envCredentials reads the credentials Lambda puts in the environment, when
// the SDK asks for them (at the first request), as the SDK's environment
// provider does.
func envCredentials(getenv func(string) string) aws.CredentialsProviderFunc {
	return func(context.Context) (aws.Credentials, error) {
		c := aws.Credentials{
			AccessKeyID:     getenv(envAccessKeyID),
			SecretAccessKey: getenv(envSecretAccessKey),
			SessionToken:    getenv(envSessionToken),
			Source:          "Environment",
		}
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return aws.Credentials{}, errNoCredentials
		}
		return c, nil
	}
}
