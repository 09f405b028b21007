package lambdalocal

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInvokeReadsFunctionErrorsFromTheBody(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		body          string
		wantErr       string
		wantErrorType string
		wantMessage   string
	}{
		{"success", 200, `{"key":{"category":"Fruit"}}`, "", "", ""},
		{"function error with status 200", 200, `{"errorMessage":"invalid event: category: missing","errorType":"InvalidEventError"}`, "", "InvalidEventError", "invalid event: category: missing"},
		{"non-JSON success", 200, `"ok"`, "", "", ""},
		{"failed init", 502, ``, "HTTP 502 Bad Gateway", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotPayload string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotPayload = string(b)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()

			res, err := (&Function{InvokeURL: srv.URL}).Invoke(context.Background(), []byte(`{"a":1}`))
			if gotPayload != `{"a":1}` {
				t.Errorf("emulator received %q, want the payload", gotPayload)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Invoke error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if string(res.Payload) != tt.body || res.ErrorType != tt.wantErrorType || res.ErrorMessage != tt.wantMessage {
				t.Errorf("Result = %+v, want payload %s, errorType %q, errorMessage %q", res, tt.body, tt.wantErrorType, tt.wantMessage)
			}
		})
	}
}

func TestWriterEnvIsHermetic(t *testing.T) {
	t.Setenv("AWS_PROFILE", "production")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAREAL")
	env := strings.Join(WriterEnv("arn:aws:dynamodb:us-east-1:111111111111:table/t1", "http://127.0.0.1:1"), "\n")
	for _, want := range []string{
		"TABLE_ARN=arn:aws:dynamodb:us-east-1:111111111111:table/t1",
		"AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:1",
		"AWS_REGION=" + FunctionRegion,
		"AWS_ACCESS_KEY_ID=test",
	} {
		if !strings.Contains(env, want) {
			t.Errorf("environment lacks %s", want)
		}
	}
	for _, leak := range []string{"AWS_PROFILE", "AKIAREAL"} {
		if strings.Contains(env, leak) {
			t.Errorf("environment carries the caller's %s", leak)
		}
	}
}

func TestQueueEnvNamesTheWritersVariables(t *testing.T) {
	got := QueueEnv("https://sqs.eu-west-1.amazonaws.com/111111111111/dlq", "http://127.0.0.1:1")
	want := []string{
		"WRITER_SOURCE=queue",
		"DEAD_LETTER_QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/111111111111/dlq",
		"AWS_ENDPOINT_URL_SQS=http://127.0.0.1:1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("QueueEnv = %q, want %q", got, want)
	}
}
