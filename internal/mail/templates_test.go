package mail_test

import (
	"slices"
	"testing"

	"github.com/certsvc/certsvc/internal/mail"
)

// TestTemplatesSameInEveryLanguage: a message has a template in every
// language or in none. (internal/outbox/email checks that every notice type
// has one, and renders each.)
func TestTemplatesSameInEveryLanguage(t *testing.T) {
	tm, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	want := tm.Names(mail.Languages[0])
	if len(want) == 0 {
		t.Fatal("no templates")
	}
	for _, lang := range mail.Languages[1:] {
		if got := tm.Names(lang); !slices.Equal(got, want) {
			t.Errorf("%s has %v, %s has %v", lang, got, mail.Languages[0], want)
		}
	}
	if _, err := tm.Render("de", "test", nil); err == nil {
		t.Error("rendered a language without templates")
	}
}
