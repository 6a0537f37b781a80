package catalog

import (
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
)

// Scope is what an editor may touch: everything (staff, All) or the products of some
// workshops (a workshop lead). The web layer builds it from the session, never from
// the request. The zero Scope allows nothing.
type Scope struct {
	All         bool
	WorkshopIDs []int64
}

// Allows reports whether the scope covers workshopID.
func (s Scope) Allows(workshopID int64) bool {
	if s.All {
		return true
	}
	for _, id := range s.WorkshopIDs {
		if id == workshopID {
			return true
		}
	}
	return false
}

// args binds the scope for scopeCond: $all and $ids.
func (s Scope) ids() pq.Int64Array {
	if s.WorkshopIDs == nil {
		return pq.Int64Array{}
	}
	return pq.Int64Array(s.WorkshopIDs)
}

// scopeSQL is the condition on a workshop id column, given the placeholders that bind
// s.All and s.ids().
func scopeSQL(col, all, ids string) string {
	return "(" + all + "::boolean OR " + col + " = ANY(" + ids + "::bigint[]))"
}

// Editor is the catalog's write side, used by the workshop leads' studio and the staff
// admin. Every method takes the caller's Scope: a product outside it does not exist
// (not found, never forbidden, so a lead cannot learn other workshops' product ids).
type Editor struct {
	db *sqlx.DB
}

// NewEditor returns an Editor on the pool.
func NewEditor(conn *sqlx.DB) *Editor { return &Editor{db: conn} }

// Limits of what editors may write.
const (
	MaxTitleRunes       = 200
	MaxDescriptionRunes = 5000
	MaxPricePesos       = 100_000_000 // a hundred million pesos: far above anything sold
	MaxStock            = 100_000
	MaxVariants         = 100
	MaxPhotos           = 20
	MaxAltRunes         = 300
	LowStock            = 2 // 1..LowStock left is "low"
)

var (
	errProductNotFound = apperr.New(apperr.NotFound, "product.not_found")
	errAdminOnly       = apperr.New(apperr.Forbidden, "catalog.admin_only")
)

// invalidFields is an Invalid error with field errors and this area's own summary key.
func invalidFields(fields map[string]string) error {
	return &apperr.Error{Code: apperr.Invalid, Key: "catalog.form.invalid", Fields: fields}
}

func pqInt64s(ids []int64) pq.Int64Array { return pq.Int64Array(ids) }
