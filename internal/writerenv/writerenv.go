// Package writerenv holds the names of the writer function's environment
// variables that its deployment sets, and how the function reads them, so
// that the function, the stack that deploys it and the local harness share
// one spelling.
package writerenv

import "fmt"

// SampleItem is the variable that lets an event without keys ({} or only
// "overwrite") write the seed's sample item {category: Fruit, item: Apple}.
// Unset or "false", such an event is refused: a deployed writer must not
// put a sample into the real table. make local sets it to "true".
const SampleItem = "WRITER_SAMPLE_ITEM"

// ParseSampleItem reads SampleItem's value: "" and "false" are false,
// "true" is true; anything else is an error, so that a typo never turns
// the sample on or off unnoticed.
func ParseSampleItem(v string) (bool, error) {
	switch v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, fmt.Errorf("%s is %q; want true or false (unset is false)", SampleItem, v)
}
