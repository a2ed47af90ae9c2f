package secretbox_test

import (
	"errors"
	"fmt"

	"github.com/certsvc/certsvc/internal/secretbox"
)

func Example() {
	// In production both keys come from configuration via ParseMasterKey.
	oldKey, _, _ := secretbox.GenerateMasterKey("2025-1")
	newKey, _, _ := secretbox.GenerateMasterKey("2026-1")

	before, _ := secretbox.NewKeyring(oldKey)
	ad := []byte("certificate:42:key") // table, row, column
	blob, _ := before.Seal([]byte("-----BEGIN PRIVATE KEY-----\n..."), ad)
	column := secretbox.EncodeText(blob) // store in a TEXT column

	// Rotation: the new key is primary, the old one still opens.
	during, _ := secretbox.NewKeyring(newKey, oldKey)
	blob, _ = secretbox.DecodeText(column)
	if during.NeedsRewrap(blob) {
		blob, _ = during.Rewrap(blob, ad)
	}

	after, _ := secretbox.NewKeyring(newKey)
	pem, err := after.Open(blob, ad)
	fmt.Printf("%.27s %v\n", pem, err)

	_, err = after.Open(blob, []byte("certificate:43:key"))
	fmt.Println(errors.Is(err, secretbox.ErrCorrupt))
	fmt.Println(newKey)
	// Output:
	// -----BEGIN PRIVATE KEY----- <nil>
	// true
	// masterkey(2026-1)
}
