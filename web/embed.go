// Package web holds the storefront's templates, static assets, content pages and
// message catalogs, embedded into the binary so a deploy is one file.
package web

import "embed"

// FS holds templates/, static/, content/ and locales/.
//
//go:embed templates static content locales
var FS embed.FS
