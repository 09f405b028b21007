package writerspec

import (
	"strings"
	"testing"
)

func TestParseSampleItem(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in      string
		want    bool
		wantErr bool
	}{{"", false, false}, {"false", false, false}, {"true", true, false}, {"TRUE", false, true}, {"1", false, true}, {"yes", false, true}} {
		got, err := ParseSampleItem(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseSampleItem(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseSource(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in      string
		want    bool
		wantErr bool
	}{{"", false, false}, {"queue", true, false}, {"invoke", false, true}, {"Queue", false, true}, {"sqs", false, true}} {
		got, err := ParseSource(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseSource(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), `WRITER_SOURCE is "`+tt.in+`"; want queue`) {
			t.Errorf("ParseSource(%q) error = %q, want it to name the variable, the value and the allowed values", tt.in, err)
		}
	}
}
