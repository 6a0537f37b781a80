package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Sort orders for listings. Only these reach SQL, through sortSQL.
const (
	SortNewest    = "newest"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortRelevance = "relevance"
	sortFeatured  = "featured" // home page only, not offered to shoppers
)

var sortSQL = map[string]string{
	SortNewest:    "p.published_at DESC NULLS LAST, p.id DESC",
	SortPriceAsc:  "p.price_minor ASC, p.id DESC",
	SortPriceDesc: "p.price_minor DESC, p.id DESC",
	sortFeatured:  inStockSQL + " DESC, p.published_at DESC NULLS LAST, p.id DESC",
	SortRelevance: "rank DESC, p.published_at DESC NULLS LAST, p.id DESC",
}

// ValidSort reports whether s is a known sort order.
func ValidSort(s string) bool { _, ok := sortSQL[s]; return ok && s != sortFeatured }

// MaxQueryRunes bounds search text; longer input is cut, not rejected.
const MaxQueryRunes = 100

// Filter selects products on sale. Zero values mean "no constraint".
type Filter struct {
	CategoryID   int64
	WorkshopID   int64
	Sizes        []string // available (stock > 0) in at least one of these sizes
	InStock      bool
	FeaturedOnly bool
	// OnePerCategory keeps only the first product of each category (home's category
	// tiles): one query instead of one per category. Nothing is counted (as NoTotal).
	OnePerCategory bool
	// NoTotal leaves Result.Total 0, for grids that show no count (home, related
	// products): counting every match costs more than finding a page of them.
	NoTotal  bool
	MinMinor int64 // inclusive, 0 = none
	MaxMinor int64 // inclusive, 0 = none
	Query    string
	Sort     string
	Page     int // 1-based
	PerPage  int
}

// Card is a product as shown in a grid.
type Card struct {
	ID           int64          `db:"id"`
	Slug         string         `db:"slug"`
	TitleES      string         `db:"title_es"`
	TitleEN      string         `db:"title_en"`
	PriceMinor   int64          `db:"price_minor"`
	Currency     string         `db:"currency"`
	CategoryID   int64          `db:"category_id"`
	WorkshopSlug string         `db:"workshop_slug"`
	WorkshopName string         `db:"workshop_name"`
	InStock      bool           `db:"in_stock"`
	Sizes        pq.StringArray `db:"sizes"`
	PhotoKey     *string        `db:"photo_key"`
	PhotoW       *int           `db:"photo_w"`
	PhotoH       *int           `db:"photo_h"`
	PhotoRends   pq.Int64Array  `db:"photo_renditions"`
	PhotoWebP    *bool          `db:"photo_webp"`
	PhotoAltES   *string        `db:"photo_alt_es"`
	PhotoAltEN   *string        `db:"photo_alt_en"`
	Rank         float64        `db:"rank"`
}

// Title returns the title in lang.
func (c Card) Title(lang string) string { return pick(lang, c.TitleES, c.TitleEN) }

// Photo returns the first photo, or nil.
func (c Card) Photo() *Photo {
	if c.PhotoKey == nil {
		return nil
	}
	return &Photo{Key: *c.PhotoKey, Width: *c.PhotoW, Height: *c.PhotoH, Renditions: c.PhotoRends,
		WebP: c.PhotoWebP != nil && *c.PhotoWebP, AltES: deref(c.PhotoAltES), AltEN: deref(c.PhotoAltEN)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Result is one page of a listing.
type Result struct {
	Cards []Card
	Total int
}

// SearchTerms turns user text into a prefix tsquery string ("zapat:* & cafe:*"), keeping
// only letters and digits so nothing the user types has meaning to to_tsquery. It
// returns "" when nothing searchable is left.
func SearchTerms(q string) string {
	q = strings.ToValidUTF8(q, " ")
	if r := []rune(q); len(r) > MaxQueryRunes {
		q = string(r[:MaxQueryRunes])
	}
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 8 {
		words = words[:8]
	}
	for i, w := range words {
		words[i] = strings.ToLower(w) + ":*"
	}
	return strings.Join(words, " & ")
}

// List returns one page of products matching f.
//
// The page's product ids are chosen first, from the products table alone (the sort
// orders walk indexes of migration 00012 and stop at the page's end); only those ids
// are joined with their variants and first photo. Matches are counted by a second
// query, only when the page does not tell the count (a full page, or past the end) and
// not for f.NoTotal.
func (s *Store) List(ctx context.Context, f Filter) (Result, error) {
	if f.PerPage <= 0 {
		f.PerPage = 24
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	if _, ok := sortSQL[f.Sort]; !ok {
		f.Sort = SortNewest
	}
	terms := SearchTerms(f.Query)
	if terms == "" && f.Sort == SortRelevance {
		f.Sort = SortNewest
	}
	var where []string
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where = append(where, "p.status = "+arg(StatusActive), "w.active")
	rank := "0::float8"
	if terms != "" {
		t := arg(terms)
		// Both languages are searched: an English-speaking shopper may type "cafe" and a
		// Spanish one "boots". Prefix matching after stemming finds "zapatos" from "zapato".
		where = append(where, fmt.Sprintf("(p.search_es @@ to_tsquery('libres_es', %s) OR p.search_en @@ to_tsquery('libres_en', %s))", t, t))
		rank = fmt.Sprintf("(ts_rank(p.search_es, to_tsquery('libres_es', %s)) + ts_rank(p.search_en, to_tsquery('libres_en', %s)))::float8", t, t)
	}
	if f.CategoryID != 0 {
		where = append(where, "p.category_id = "+arg(f.CategoryID))
	}
	if f.WorkshopID != 0 {
		where = append(where, "p.workshop_id = "+arg(f.WorkshopID))
	}
	if len(f.Sizes) > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock_on_hand > 0 AND v.size = ANY("+arg(pq.StringArray(f.Sizes))+"))")
	}
	if f.InStock {
		where = append(where, inStockSQL)
	}
	if f.FeaturedOnly {
		where = append(where, "p.featured")
	}
	if f.MinMinor > 0 {
		where = append(where, "p.price_minor >= "+arg(f.MinMinor))
	}
	if f.MaxMinor > 0 {
		where = append(where, "p.price_minor <= "+arg(f.MaxMinor))
	}
	matching := `FROM products p JOIN workshops w ON w.id = p.workshop_id
		WHERE ` + strings.Join(where, " AND ")
	order := sortSQL[f.Sort]
	if f.OnePerCategory {
		f.NoTotal = true
	}
	limit, offset := arg(f.PerPage), arg((f.Page-1)*f.PerPage)
	page := `SELECT p.id, ` + rank + ` AS rank ` + matching + `
		ORDER BY ` + order + ` LIMIT ` + limit + ` OFFSET ` + offset
	if f.OnePerCategory {
		// The first product of each category in the chosen order: one short walk of an
		// index per category, where DISTINCT ON would sort every match.
		page = `SELECT first.id, first.rank FROM categories c CROSS JOIN LATERAL (
			SELECT p.id, ` + rank + ` AS rank ` + matching + ` AND p.category_id = c.id
			ORDER BY ` + order + ` LIMIT 1) first
			ORDER BY c.id LIMIT ` + limit + ` OFFSET ` + offset
		order = "p.category_id, " + order
	}
	q := `SELECT p.id, p.slug, p.title_es, p.title_en, p.price_minor, p.currency, p.category_id,
			w.slug AS workshop_slug, w.name AS workshop_name,
			COALESCE(v.in_stock, false) AS in_stock, COALESCE(v.sizes, '{}') AS sizes,
			ph.object_key AS photo_key, ph.width AS photo_w, ph.height AS photo_h,
			ph.renditions AS photo_renditions, ph.webp AS photo_webp, ph.alt_es AS photo_alt_es, ph.alt_en AS photo_alt_en,
			page.rank
		FROM (` + page + `) page
		JOIN products p ON p.id = page.id
		JOIN workshops w ON w.id = p.workshop_id
		LEFT JOIN LATERAL (
			SELECT bool_or(stock_on_hand > 0) AS in_stock,
				array_agg(DISTINCT size) FILTER (WHERE size <> '') AS sizes
			FROM variants WHERE product_id = p.id) v ON true
		LEFT JOIN LATERAL (
			SELECT object_key, width, height, renditions, webp, alt_es, alt_en FROM photos
			WHERE product_id = p.id ORDER BY position, id LIMIT 1) ph ON true
		ORDER BY ` + order
	var cards []Card
	if err := sqlx.SelectContext(ctx, s.db, &cards, q, args...); err != nil {
		return Result{}, fmt.Errorf("list products: %w", err)
	}
	res := Result{Cards: cards}
	switch {
	case f.NoTotal, len(cards) == 0 && f.Page == 1:
	case len(cards) > 0 && len(cards) < f.PerPage:
		res.Total = (f.Page-1)*f.PerPage + len(cards) // the last page: nothing to count
	default:
		// A full page, or past the last one: count every match. A statement of its own,
		// so a short result (most searches) is planned and run as one small query.
		if err := sqlx.GetContext(ctx, s.db, &res.Total, "SELECT count(*) "+matching, args[:len(args)-2]...); err != nil {
			return Result{}, fmt.Errorf("count products: %w", err)
		}
	}
	return res, nil
}

// inStockSQL holds for a product with stock in some variant. It is also the first key of
// the featured order, where it must agree with the cards' in_stock.
const inStockSQL = "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock_on_hand > 0)"

// Featured returns up to n featured products on sale, those in stock first.
func (s *Store) Featured(ctx context.Context, n int) ([]Card, error) {
	res, err := s.List(ctx, Filter{FeaturedOnly: true, Sort: sortFeatured, PerPage: n, NoTotal: true})
	return res.Cards, err
}
