package loaders

// outline tracks the heading path while a document is read top to bottom: a heading of level n
// replaces every open heading of level n or deeper.
type outline struct {
	path   []string
	levels []int
}

// enter opens a heading of the given level (1 = outermost).
func (o *outline) enter(level int, title string) {
	for len(o.levels) > 0 && o.levels[len(o.levels)-1] >= level {
		o.levels, o.path = o.levels[:len(o.levels)-1], o.path[:len(o.path)-1]
	}
	o.levels, o.path = append(o.levels, level), append(o.path, title)
}

// current returns a copy of the path, so later headings do not change sections already stored.
func (o *outline) current() []string {
	if len(o.path) == 0 {
		return nil
	}
	return append([]string(nil), o.path...)
}
