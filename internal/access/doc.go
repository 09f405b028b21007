// Package access checks, offline, who can do what to the DynamoDB tables of
// a synthesized CDK app. It reads the stack templates of a cloud assembly,
// resolves the intrinsics the CDK emits in policies, and evaluates identity
// and table resource policies with IAM's policy evaluation logic, including
// the cross-account rule that both sides must allow. The result is a matrix
// of (table, principal, action) decisions, and of the same requests on an
// index of each table, compared with the declared grants.
package access
