package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// CategoryForm is the admin's category form as typed. Empty slugs are made from the
// names. Position orders the categories in menus, smallest first.
type CategoryForm struct {
	NameES, NameEN string
	SlugES, SlugEN string
	DescES, DescEN string
	Position       string
}

const maxPosition = 10_000

// Validate checks the form on its own and returns field errors with message keys.
func (f CategoryForm) Validate() error {
	if _, fields := f.parse(); len(fields) > 0 {
		return invalidFields(fields)
	}
	return nil
}

func (f CategoryForm) parse() (Category, map[string]string) {
	fields := map[string]string{}
	c := Category{NameES: strings.TrimSpace(f.NameES), NameEN: strings.TrimSpace(f.NameEN),
		SlugES: strings.TrimSpace(f.SlugES), SlugEN: strings.TrimSpace(f.SlugEN),
		DescES: strings.TrimSpace(f.DescES), DescEN: strings.TrimSpace(f.DescEN)}
	textField(fields, "name_es", c.NameES, maxNameRunes, true, "category.name.required", "category.name.too_long")
	textField(fields, "name_en", c.NameEN, maxNameRunes, true, "category.name.required", "category.name.too_long")
	textField(fields, "description_es", c.DescES, MaxDescriptionRunes, false, "", "category.description.too_long")
	textField(fields, "description_en", c.DescEN, MaxDescriptionRunes, false, "", "category.description.too_long")
	for _, s := range []struct {
		field string
		slug  *string
		name  string
	}{{"slug_es", &c.SlugES, c.NameES}, {"slug_en", &c.SlugEN, c.NameEN}} {
		if *s.slug == "" {
			*s.slug = Slugify(s.name)
		}
		if _, bad := fields["name_"+s.field[5:]]; bad && *s.slug == "" {
			continue
		}
		if !ValidSlug(*s.slug) || len(*s.slug) > MaxSlugLen {
			fields[s.field] = "category.slug.invalid"
		}
	}
	if p := strings.TrimSpace(f.Position); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > maxPosition {
			fields["position"] = "category.position.invalid"
		}
		c.Position = n
	}
	return c, fields
}

// Form returns the admin form filled with c.
func (c Category) Form() CategoryForm {
	return CategoryForm{NameES: c.NameES, NameEN: c.NameEN, SlugES: c.SlugES, SlugEN: c.SlugEN,
		DescES: c.DescES, DescEN: c.DescEN, Position: strconv.Itoa(c.Position)}
}

// categoryConstraintFields says which field a taken slug or key belongs to.
var categoryConstraintFields = map[string]string{
	"categories_slug_es_key": "slug_es",
	"categories_slug_en_key": "slug_en",
	"categories_key_key":     "slug_en",
}

func categoryError(err error, what string) error {
	for c, field := range categoryConstraintFields {
		if isConstraint(err, c) {
			return invalidFields(map[string]string{field: "category.slug.taken"})
		}
	}
	return fmt.Errorf("%s: %w", what, db.Translate(err))
}

// CreateCategory adds a category (staff only) and returns its id. Its key, the stable
// name code and the seed use, is its English slug.
func (e *Editor) CreateCategory(ctx context.Context, scope Scope, actor audit.Actor, f CategoryForm) (int64, error) {
	if !scope.All {
		return 0, errAdminOnly
	}
	c, fields := f.parse()
	if len(fields) > 0 {
		return 0, invalidFields(fields)
	}
	c.Key = c.SlugEN
	var id int64
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		const ins = `INSERT INTO categories (key, slug_es, slug_en, name_es, name_en, description_es, description_en, position)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
		if err := sqlx.GetContext(ctx, tx, &id, ins, c.Key, c.SlugES, c.SlugEN, c.NameES, c.NameEN, c.DescES, c.DescEN, c.Position); err != nil {
			return categoryError(err, "insert category "+c.Key)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "category.create", Entity: "category",
			EntityID: strconv.FormatInt(id, 10), Summary: "created category " + strconv.Quote(c.NameES), After: c})
	})
	if err != nil {
		return 0, fmt.Errorf("create category: %w", err)
	}
	return id, nil
}

// UpdateCategory saves the admin form over category id (staff only). Its key stays.
func (e *Editor) UpdateCategory(ctx context.Context, scope Scope, actor audit.Actor, id int64, f CategoryForm) error {
	if !scope.All {
		return errAdminOnly
	}
	c, fields := f.parse()
	if len(fields) > 0 {
		return invalidFields(fields)
	}
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		var cur Category
		const sel = `SELECT id, key, slug_es, slug_en, name_es, name_en, description_es, description_en, position
			FROM categories WHERE id = $1 FOR UPDATE`
		if err := sqlx.GetContext(ctx, tx, &cur, sel, id); err != nil {
			if apperr.CodeOf(db.Translate(err)) == apperr.NotFound {
				return apperr.New(apperr.NotFound, "category.not_found")
			}
			return fmt.Errorf("category %d: %w", id, err)
		}
		const upd = `UPDATE categories SET slug_es = $2, slug_en = $3, name_es = $4, name_en = $5,
			description_es = $6, description_en = $7, position = $8 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, id, c.SlugES, c.SlugEN, c.NameES, c.NameEN, c.DescES, c.DescEN, c.Position); err != nil {
			return categoryError(err, "update category "+strconv.FormatInt(id, 10))
		}
		snap := func(c Category) map[string]any {
			return map[string]any{"slug_es": c.SlugES, "slug_en": c.SlugEN, "name_es": c.NameES, "name_en": c.NameEN,
				"description_es": c.DescES, "description_en": c.DescEN, "position": c.Position}
		}
		before, after := diffSnapshots(snap(cur), snap(c))
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "category.update", Entity: "category",
			EntityID: strconv.FormatInt(id, 10), Summary: changedSummary(before, nil), Before: before, After: after})
	})
	if err != nil {
		return fmt.Errorf("update category %d: %w", id, err)
	}
	return nil
}
