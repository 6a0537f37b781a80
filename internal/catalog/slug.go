package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// MaxSlugLen bounds generated slugs; ValidSlug accepts up to maxSlugBytes, the length of
// any slug that may exist.
const (
	MaxSlugLen   = 80
	maxSlugBytes = 200
)

// foldAccent maps the accented Latin letters people type in Colombia (and their
// neighbours) to ASCII.
var foldAccent = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ā': "a",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ē': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ī': "i",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o", 'ō': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ū': "u",
	'ñ': "n", 'ç': "c", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'æ': "ae", 'œ': "oe",
}

// Slugify turns a title into a URL slug: lower case, accents removed, every run of other
// characters one '-', no '-' at either end, at most MaxSlugLen bytes. It returns "" when
// nothing is left (a title of symbols only).
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		var s string
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			s = string(r)
		default:
			s = foldAccent[r]
		}
		if s == "" {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(s)
	}
	return cutSlug(b.String(), MaxSlugLen)
}

// cutSlug shortens a slug to n bytes at most, preferring a word boundary.
func cutSlug(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '-'); i > n/2 {
		s = s[:i]
	}
	return strings.Trim(s, "-")
}

// ValidSlug reports whether s can be a slug in the database (products, workshops and
// categories share the rule): lower-case ASCII letters and digits in words joined by
// single '-'. Anything else cannot exist, so the storefront answers 404 without a query,
// and invalid UTF-8 never reaches PostgreSQL.
func ValidSlug(s string) bool {
	if s == "" || len(s) > maxSlugBytes || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// slugTables are the tables whose slug column uniqueSlug may look at (never user input).
var slugTables = map[string]bool{"products": true, "workshops": true}

// uniqueSlug returns base, or base-2, base-3… whichever is free in table right now. A
// concurrent writer may still take it first; callers insert with ON CONFLICT and ask
// again.
func uniqueSlug(ctx context.Context, q db.Querier, table, base string, exceptID int64) (string, error) {
	if !slugTables[table] {
		return "", fmt.Errorf("unique slug: unknown table %q", table)
	}
	var taken []string
	sel := `SELECT slug FROM ` + table + ` WHERE (slug = $1 OR slug LIKE $1 || '-%') AND id <> $2`
	if err := sqlx.SelectContext(ctx, q, &taken, sel, base, exceptID); err != nil {
		return "", fmt.Errorf("slugs like %q: %w", base, err)
	}
	used := make(map[string]bool, len(taken))
	for _, s := range taken {
		used[s] = true
	}
	for n := 1; ; n++ {
		cand := base
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			cand = cutSlug(base, MaxSlugLen-len(suffix)) + suffix
		}
		if !used[cand] {
			return cand, nil
		}
	}
}
