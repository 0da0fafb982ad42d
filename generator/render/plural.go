package render

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/incidents-archive/incidents/generator/plural"
)

// countNoun is the template function "count": n and noun in the number n
// asks for, "1 report", "3 reports" (see package plural). n is an
// integer, or a number already written out for the page, such as
// "1,234" (singular only when it is "1").
func countNoun(n any, noun string) (string, error) {
	if s, ok := n.(string); ok {
		one := 2
		if s == "1" {
			one = 1
		}
		return s + " " + plural.Noun(one, noun), nil
	}
	v := reflect.ValueOf(n)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10) + " " + plural.Noun(int(max(min(v.Int(), 2), -2)), noun), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10) + " " + plural.Noun(int(min(v.Uint(), 2)), noun), nil
	}
	return "", fmt.Errorf("count: %v (%T) is not a number", n, n)
}

// verb is one when n is 1, else many: "1 report names", "2 reports name".
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
