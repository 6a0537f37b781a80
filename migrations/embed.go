// Package migrations holds the versioned SQL schema, applied with goose.
// Every file has an Up and a Down section; numbers are sequential.
package migrations

import "embed"

// FS holds the *.sql migration files.
//
//go:embed *.sql
var FS embed.FS
