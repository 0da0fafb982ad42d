package search

import (
	"net/http/httptest"
	"os"
	"testing"
)

func BenchmarkZZAPI(b *testing.B) {
	x, err := Open(os.Getenv("IDX"))
	if err != nil {
		b.Skip(err)
	}
	defer x.Close()
	api := NewAPI(x, APIOptions{})
	for _, q := range []string{"q=timeout", "q=ldap", "q=*ab*"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				api.ServeHTTP(w, httptest.NewRequest("GET", "/api/search?"+q, nil))
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
