package writerspec

import "testing"

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
