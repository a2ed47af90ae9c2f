package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/certsvc/certsvc/internal/money"
)

// Languages are the languages of the templates; the first is the default.
var Languages = []string{"en", "ru"}

//go:embed templates
var templateFS embed.FS

// Content is a rendered message: what Message needs besides addresses.
type Content struct {
	Subject, Text, HTML string
}

// Templates renders the messages named by the files templates/<lang>/<name>.tmpl,
// each defining "subject" and "text" (text/template) and "html"
// (html/template, so values are escaped), beside the language's layout.tmpl.
type Templates struct {
	sets map[string]map[string]*tmplSet // lang → name → set
}

type tmplSet struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// LoadTemplates parses the embedded templates.
func LoadTemplates() (*Templates, error) {
	t := &Templates{sets: map[string]map[string]*tmplSet{}}
	for _, lang := range Languages {
		dir := path.Join("templates", lang)
		layout, err := fs.ReadFile(templateFS, path.Join(dir, "layout.tmpl"))
		if err != nil {
			return nil, fmt.Errorf("templates %s: %w", lang, err)
		}
		entries, err := fs.ReadDir(templateFS, dir)
		if err != nil {
			return nil, fmt.Errorf("templates %s: %w", lang, err)
		}
		t.sets[lang] = map[string]*tmplSet{}
		funcs := funcsFor(lang)
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".tmpl")
			if !ok || name == "layout" {
				continue
			}
			src, err := fs.ReadFile(templateFS, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			set := &tmplSet{}
			set.text, err = texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(layout) + string(src))
			if err != nil {
				return nil, fmt.Errorf("template %s/%s (text): %w", lang, name, err)
			}
			set.html, err = htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(layout) + string(src))
			if err != nil {
				return nil, fmt.Errorf("template %s/%s (html): %w", lang, name, err)
			}
			for _, part := range []string{"subject", "text", "html"} {
				if set.text.Lookup(part) == nil {
					return nil, fmt.Errorf("template %s/%s: no %q", lang, name, part)
				}
			}
			t.sets[lang][name] = set
		}
	}
	return t, nil
}

// Names lists the message names a language has templates for, sorted.
func (t *Templates) Names(lang string) []string {
	var names []string
	for n := range t.sets[lang] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Has reports whether lang has a template for name.
func (t *Templates) Has(lang, name string) bool { return t.sets[lang][name] != nil }

// Render renders message name in lang with data.
func (t *Templates) Render(lang, name string, data any) (Content, error) {
	set := t.sets[lang][name]
	if set == nil {
		return Content{}, fmt.Errorf("no %s template for %q", lang, name)
	}
	var subj, text, html bytes.Buffer
	if err := set.text.ExecuteTemplate(&subj, "subject", data); err != nil {
		return Content{}, fmt.Errorf("render %s/%s subject: %w", lang, name, err)
	}
	if err := set.text.ExecuteTemplate(&text, "text", data); err != nil {
		return Content{}, fmt.Errorf("render %s/%s text: %w", lang, name, err)
	}
	if err := set.html.ExecuteTemplate(&html, "html_page", data); err != nil {
		return Content{}, fmt.Errorf("render %s/%s html: %w", lang, name, err)
	}
	return Content{
		Subject: strings.Join(strings.Fields(subj.String()), " "),
		Text:    strings.TrimSpace(text.String()) + "\n",
		HTML:    html.String(),
	}, nil
}

// funcsFor are the template functions of a language: money (minor units
// and currency code), date, days (a count of days with its plural), join.
func funcsFor(lang string) map[string]any {
	return map[string]any{
		"money": func(minor int64, code string) string {
			c, ok := money.Lookup(code)
			if !ok {
				return strconv.FormatInt(minor, 10) + " " + code
			}
			s := money.Format(minor, c)
			if lang == "ru" {
				s = strings.Replace(s, ".", ",", 1)
			}
			return s + " " + code
		},
		"date": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			if lang == "ru" {
				return t.UTC().Format("02.01.2006 15:04 UTC")
			}
			return t.UTC().Format("2 Jan 2006 15:04 UTC")
		},
		"days": func(n int) string {
			if lang == "ru" {
				return strconv.Itoa(n) + " " + ruPlural(n, "день", "дня", "дней")
			}
			if n == 1 {
				return "1 day"
			}
			return strconv.Itoa(n) + " days"
		},
		"join": strings.Join,
	}
}

// ruPlural picks the Russian form for n: 1 день, 2 дня, 5 дней, 21 день.
func ruPlural(n int, one, few, many string) string {
	if n < 0 {
		n = -n
	}
	switch {
	case n%10 == 1 && n%100 != 11:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return few
	default:
		return many
	}
}
