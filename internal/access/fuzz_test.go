package access

import (
	"os"
	"testing"
)

// FuzzCheck feeds arbitrary templates through the whole check: bad input
// must come back as an error, never a panic.
func FuzzCheck(f *testing.F) {
	for _, name := range []string{"TableStack", "WriterStack"} {
		data, err := os.ReadFile("testdata/assembly/" + name + ".template.json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tm, err := ParseTemplate("S", data)
		if err != nil {
			return
		}
		tm.Account, tm.Region, tm.Partition = "111111111111", "us-east-1", "aws"
		m, err := Collect([]*Template{tm})
		if err != nil {
			return
		}
		Check(m, itemsGrant)
	})
}
