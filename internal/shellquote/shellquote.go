// Package shellquote quotes words for a POSIX shell, for the commands the
// tools print for an operator to paste.
package shellquote

import "strings"

// Quote returns s as one word of a POSIX shell command: as it is when it
// holds only characters no shell treats specially, else in single quotes.
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/@%+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
