package pki

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// maxInputSize bounds what the parsers read: a CSR with hundreds of names or a
// long chain is a few tens of kilobytes.
const maxInputSize = 1 << 20

// errSpacedBase64 explains the one copy-paste damage that cannot be repaired:
// a form or URL decoder turned every "+" of the base64 text into a space.
var errSpacedBase64 = errors.New(`the base64 text has spaces inside it: a "+" was probably turned into a space when the text was sent in a URL or form; send it URL-encoded (+ as %2B) or in a POST body`)

// pemBlock is one decoded PEM block.
type pemBlock struct {
	Type      string
	Bytes     []byte
	Encrypted bool // a legacy "Proc-Type: 4,ENCRYPTED" header
	Spaced    bool // spaces inside a base64 line: if Bytes do not parse, "+" was probably lost
}

// decodePEM reads every PEM block of data, more tolerantly than encoding/pem:
// CRLF or CR line ends, blanks around or between lines, a missing final
// newline, the BEGIN and END lines run together with the base64 on one line
// (line breaks turned into spaces), missing "=" padding and text between the
// blocks are all accepted. It reports an error for a block without its END
// line or whose base64 does not decode.
func decodePEM(data []byte) ([]pemBlock, error) {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	const begin = "-----BEGIN "
	var blocks []pemBlock
	for {
		i := strings.Index(s, begin)
		if i < 0 {
			return blocks, nil
		}
		s = s[i+len(begin):]
		j := strings.Index(s, "-----")
		if j < 0 {
			return nil, errors.New("a PEM BEGIN line is not closed with -----")
		}
		label := strings.TrimSpace(s[:j])
		if !validPEMLabel(label) {
			return nil, fmt.Errorf("malformed PEM BEGIN line %q", truncate("-----BEGIN "+s[:j]+"-----", 80))
		}
		s = s[j+len("-----"):]
		end := "-----END " + label + "-----"
		k := strings.Index(s, end)
		if k < 0 {
			return nil, fmt.Errorf("the %s PEM block has no END line: the text was cut short", label)
		}
		body := s[:k]
		s = s[k+len(end):]

		b := pemBlock{Type: label}
		var b64 []string
		for _, line := range strings.Split(body, "\n") {
			if strings.Contains(line, ":") { // an RFC 1421 header; base64 has no colon
				name, value, _ := strings.Cut(line, ":")
				if strings.TrimSpace(name) == "Proc-Type" && strings.Contains(value, "ENCRYPTED") {
					b.Encrypted = true
				}
				continue
			}
			b64 = append(b64, line)
		}
		der, spaced, err := decodeBase64Lines(b64)
		if err != nil {
			return nil, fmt.Errorf("the %s PEM block: %w", label, err)
		}
		b.Bytes, b.Spaced = der, spaced
		blocks = append(blocks, b)
	}
}

// decodeBase64Lines decodes base64 text split into lines, ignoring blanks
// around the lines and missing padding. spaced reports blanks inside a line,
// or at the edge of a line as long as the block's longest: a "+" that was the
// first or last character of a full line.
func decodeBase64Lines(lines []string) (der []byte, spaced bool, err error) {
	width := 0
	for _, line := range lines {
		width = max(width, len(strings.TrimRight(line, "\r")))
	}
	var sb strings.Builder
	for _, line := range lines {
		full := strings.TrimRight(line, "\r")
		t := strings.Trim(line, " \t\v\f")
		if len(full) == width && strings.Trim(full, " \t\v\f") != full {
			spaced = true
		}
		if strings.ContainsAny(t, " \t\v\f") {
			spaced = true
			t = strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' || r == '\v' || r == '\f' {
					return -1
				}
				return r
			}, t)
		}
		sb.WriteString(t)
	}
	text := strings.TrimRight(sb.String(), "=")
	if text == "" {
		return nil, spaced, errors.New("no base64 data")
	}
	der, err = base64.RawStdEncoding.DecodeString(text)
	if err != nil {
		if spaced {
			return nil, true, errSpacedBase64
		}
		return nil, false, fmt.Errorf("invalid base64 data (%v)", err)
	}
	return der, spaced, nil
}

// validPEMLabel reports whether s looks like a PEM label: upper-case words.
func validPEMLabel(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != ' ' {
			return false
		}
	}
	return true
}

// truncate shortens s to at most n runes for quoting in an error message.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// decodeBareBase64 decodes base64 of DER pasted without PEM lines. It
// returns nil and no error when t does not look like that: DER starts with a
// SEQUENCE, which base64 writes as "M", the smallest certificate or CSR takes
// more than 100 characters, and base64 has no other characters.
func decodeBareBase64(t []byte) (der []byte, spaced bool, err error) {
	if len(t) < 100 || t[0] != 'M' {
		return nil, false, nil
	}
	for _, c := range t {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			c == '+', c == '/', c == '=', c == ' ', c == '\t', c == '\r', c == '\n':
		default:
			return nil, false, nil
		}
	}
	s := strings.ReplaceAll(string(t), "\r", "\n")
	return decodeBase64Lines(strings.Split(s, "\n"))
}
