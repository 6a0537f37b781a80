package notify

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// maxShapes bounds the shapes a Renderer remembers; past it every message is rendered.
const maxShapes = 4096

// shapes remembers the data shapes that rendered without error, per language and
// template, so the check before an email is queued renders it only when its shape is
// new. Rendering an order receipt twice (once to check it, once to send it) was the
// largest single cost of placing an order in the Go process (make bench's placement
// round, perf: 8.6 % of the store's and PostgreSQL's CPU together).
type shapes struct {
	mu   sync.RWMutex
	seen map[string]struct{}
}

func (s *shapes) has(k string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.seen[k]
	return ok
}

func (s *shapes) add(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]struct{}{}
	}
	if len(s.seen) < maxShapes {
		s.seen[k] = struct{}{}
	}
}

// shapeOf is what decides whether m renders, as far as the templates can tell: its
// language, template and, for every value of its data, the key, the type and whether
// it is empty (a template's {{if}} takes another branch, which may fail where the first
// did not); maps and lists of maps are described the same way, recursively (each
// distinct element shape once). Two messages of one shape render alike except for the
// text of their values; missingkey=error, the catalog's keys and the functions fail on
// shape, not on text.
func shapeOf(m Message) string {
	var b strings.Builder
	b.WriteString(m.Lang)
	b.WriteByte('/')
	b.WriteString(m.Template)
	b.WriteByte('|')
	writeShape(&b, reflect.ValueOf(m.Data))
	return b.String()
}

func writeShape(b *strings.Builder, v reflect.Value) {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) {
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteByte('*')
		v = v.Elem()
	}
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	b.WriteString(v.Type().String())
	if v.IsZero() {
		b.WriteString("=0")
	}
	switch v.Kind() {
	case reflect.Map:
		type entry struct {
			key string
			val reflect.Value
		}
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			k := it.Key()
			ks := ""
			if k.Kind() == reflect.String {
				ks = k.String()
			} else {
				ks = fmt.Sprint(k.Interface())
			}
			entries = append(entries, entry{ks, it.Value()})
		}
		slices.SortFunc(entries, func(x, y entry) int { return strings.Compare(x.key, y.key) })
		b.WriteByte('{')
		for _, e := range entries {
			b.WriteString(e.key)
			b.WriteByte(':')
			writeShape(b, e.val)
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes: a value, not a structure
		}
		var elems []string
		for i := range v.Len() {
			var e strings.Builder
			writeShape(&e, v.Index(i))
			if s := e.String(); !slices.Contains(elems, s) {
				elems = append(elems, s)
			}
		}
		slices.Sort(elems)
		b.WriteByte('[')
		b.WriteString(strings.Join(elems, ";"))
		b.WriteByte(']')
	case reflect.Struct:
		b.WriteByte('{')
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			b.WriteString(v.Type().Field(i).Name)
			b.WriteByte(':')
			writeShape(b, v.Field(i))
			b.WriteByte(',')
		}
		b.WriteByte('}')
	}
}

// Validate checks m as Render does and renders it when no message of its shape
// (shapeOf) has rendered before; the address, language, template and links are checked
// every time. It is what queueing an email costs instead of a whole render.
func (r *Renderer) Validate(m Message) error {
	if err := r.check(m); err != nil {
		return err
	}
	k := shapeOf(m)
	if r.rendered.has(k) {
		return nil
	}
	if _, err := r.Render(m); err != nil {
		return err
	}
	r.rendered.add(k)
	return nil
}
