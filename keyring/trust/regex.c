/* regex.c - the regular expressions of trust signatures (RFC 4880 8),
 * parsed as Sequoia parses them (sequoia-openpgp 1.12 src/regex), and
 * matched over Unicode characters in linear time.
 *
 * Grammar (every character is a token; | * + ? ( ) . ^ $ \ [ ] - are
 * special, everything else is a literal):
 *   regex  := branch ( "|" branch )*      an empty branch makes the whole
 *                                         alternation empty (matches "")
 *   branch := piece*
 *   piece  := atom ( "*" | "+" | "?" )?   one quantifier at most
 *   atom   := "(" regex ")" | class | "." | "^" | "$" | "\" any | "-" | literal
 *   class  := "[" "^"? "]" item* "]" | "[" "^" item+ "]" | "[" first item* "]"
 *             where items are any character but "]", "a-c" is a range, and
 *             "\" is an ordinary character inside a class
 * So "{", "}" and "\w" are literals, "a**", a stray ")" or "]" are errors.
 * A regex that does not parse matches nothing.  Matching is a search (the
 * match may start anywhere); "^" and "$" anchor at the ends of the text.
 *
 * The matcher is a Thompson NFA run as a Pike VM over the user ID's code
 * points: hostile patterns cannot make it backtrack exponentially.
 */
#include <stdlib.h>

#include "trust.h"
#include "../util/mem.h"

enum op { OP_CHAR, OP_ANY, OP_CLASS, OP_BOL, OP_EOL, OP_SPLIT, OP_JMP,
	  OP_MATCH };

typedef struct inst {
	uint8_t op;
	bool negate;             /* OP_CLASS */
	uint32_t c;              /* OP_CHAR */
	uint32_t x, y;           /* OP_SPLIT targets, OP_JMP target */
	uint32_t first, n;       /* OP_CLASS: ranges [first, first + n) */
} inst;

typedef struct prog {
	inst *v;
	size_t n, cap;
	uint32_t (*ranges)[2];
	size_t nranges, rcap;
	bool err;
} prog;

typedef struct parser {
	const uint32_t *s;       /* the pattern's code points */
	size_t n, i;
	prog *p;
	unsigned depth;          /* groups open */
} parser;

/* Hostile patterns are bounded: longer ones, or groups nested deeper, do
 * not parse (and so match nothing).  The matcher's cost is the product of
 * the pattern's and the user ID's lengths. */
#define REGEX_MAX_CHARS 4096u
#define REGEX_MAX_DEPTH 64u

/* A fragment: its first instruction and its one exit, an OP_JMP whose
 * target is set when the fragment is joined to what follows. */
typedef struct frag {
	bool empty;              /* matches the empty string only */
	uint32_t start;
	uint32_t exit;
} frag;

static uint32_t
emit(prog *p, uint8_t op)
{
	if (p->err || weft_grow((void **)&p->v, &p->cap, p->n + 1,
				sizeof *p->v)) {
		p->err = true;
		return 0;
	}
	memset(&p->v[p->n], 0, sizeof p->v[p->n]);
	p->v[p->n].op = op;
	return (uint32_t)p->n++;
}

static void
patch(prog *p, const frag *f, uint32_t target)
{
	if (!p->err && !f->empty)
		p->v[f->exit].x = target;
}

/* An instruction followed by its exit. */
static frag
single(prog *p, uint8_t op, uint32_t *at)
{
	frag f;

	memset(&f, 0, sizeof f);
	f.start = emit(p, op);
	f.exit = emit(p, OP_JMP);
	if (!p->err)
		p->v[f.start].x = f.exit;
	if (at)
		*at = f.start;
	return f;
}

static frag
empty_frag(void)
{
	frag f;

	memset(&f, 0, sizeof f);
	f.empty = true;
	return f;
}

/* A then B. */
static frag
concat(prog *p, frag a, frag b)
{
	if (a.empty)
		return b;
	if (b.empty)
		return a;
	patch(p, &a, b.start);
	a.exit = b.exit;
	return a;
}

static frag parse_regex(parser *ps);

static bool
at_end(const parser *ps)
{
	return ps->i >= ps->n;
}

static frag
parse_class(parser *ps)
{
	prog *p = ps->p;
	uint32_t *items = NULL, i;
	size_t n = 0, cap = 0, k;
	bool negate = false;
	frag f;

	/* After "[": "^"? then "]" as a first literal, or at least one
	 * item; then items until "]". */
	if (!at_end(ps) && ps->s[ps->i] == '^') {
		negate = true;
		ps->i++;
	}
	if (!at_end(ps) && ps->s[ps->i] == ']') {
		if (weft_grow((void **)&items, &cap, n + 1, sizeof *items))
			goto fail;
		items[n++] = ']';
		ps->i++;
	}
	while (!at_end(ps) && ps->s[ps->i] != ']') {
		if (weft_grow((void **)&items, &cap, n + 1, sizeof *items))
			goto fail;
		items[n++] = ps->s[ps->i++];
	}
	if (at_end(ps) || !n)
		goto fail;
	ps->i++; /* "]" */
	f = single(p, OP_CLASS, &i);
	if (p->err)
		goto fail;
	p->v[i].negate = negate;
	p->v[i].first = (uint32_t)p->nranges;
	for (k = 0; k < n;) {
		uint32_t lo = items[k], hi = items[k];

		/* "a-c" is a range when something follows the dash. */
		if (k + 2 < n && items[k + 1] == '-') {
			hi = items[k + 2];
			k += 3;
		} else {
			k++;
		}
		if (weft_grow((void **)&p->ranges, &p->rcap, p->nranges + 1,
			      sizeof *p->ranges))
			goto fail;
		p->ranges[p->nranges][0] = lo;
		p->ranges[p->nranges][1] = hi;
		p->nranges++;
		p->v[i].n++;
	}
	free(items);
	return f;
fail:
	free(items);
	p->err = true;
	return empty_frag();
}

static frag
literal(prog *p, uint32_t c)
{
	uint32_t i;
	frag f = single(p, OP_CHAR, &i);

	if (!p->err)
		p->v[i].c = c;
	return f;
}

static frag
parse_atom(parser *ps)
{
	prog *p = ps->p;
	uint32_t c = ps->s[ps->i++];
	frag f;

	switch (c) {
	case '(':
		if (++ps->depth > REGEX_MAX_DEPTH) {
			p->err = true;
			return empty_frag();
		}
		f = parse_regex(ps);
		ps->depth--;
		if (at_end(ps) || ps->s[ps->i] != ')') {
			p->err = true;
			return empty_frag();
		}
		ps->i++;
		return f;
	case '[':
		return parse_class(ps);
	case '.':
		return single(p, OP_ANY, NULL);
	case '^':
		return single(p, OP_BOL, NULL);
	case '$':
		return single(p, OP_EOL, NULL);
	case '\\':
		if (at_end(ps)) {
			p->err = true;
			return empty_frag();
		}
		return literal(p, ps->s[ps->i++]);
	case '*': case '+': case '?': case ']': case ')': case '|':
		p->err = true; /* not an atom */
		return empty_frag();
	default:
		return literal(p, c);
	}
}

static frag
parse_piece(parser *ps)
{
	prog *p = ps->p;
	frag a = parse_atom(ps), f;
	uint32_t s, c;

	if (at_end(ps) || p->err)
		return a;
	c = ps->s[ps->i];
	if (c != '*' && c != '+' && c != '?')
		return a;
	ps->i++;
	if (!at_end(ps) && (ps->s[ps->i] == '*' || ps->s[ps->i] == '+' ||
			    ps->s[ps->i] == '?')) {
		p->err = true; /* "a**": one quantifier only */
		return a;
	}
	if (a.empty)
		return a;
	memset(&f, 0, sizeof f);
	s = emit(p, OP_SPLIT);
	f.exit = emit(p, OP_JMP);
	if (p->err)
		return a;
	p->v[s].x = a.start;
	p->v[s].y = f.exit;
	switch (c) {
	case '*':               /* s: split(a, exit); a -> s */
		patch(p, &a, s);
		f.start = s;
		break;
	case '+':               /* a -> s: split(a, exit) */
		patch(p, &a, s);
		f.start = a.start;
		break;
	default:                /* s: split(a, exit); a -> exit */
		patch(p, &a, f.exit);
		f.start = s;
		break;
	}
	return f;
}

static frag
parse_branch(parser *ps)
{
	frag f = empty_frag();

	while (!at_end(ps) && !ps->p->err && ps->s[ps->i] != '|' &&
	       ps->s[ps->i] != ')')
		f = concat(ps->p, f, parse_piece(ps));
	return f;
}

static frag
parse_regex(parser *ps)
{
	prog *p = ps->p;
	frag alt = parse_branch(ps), b, f;
	bool any_empty = alt.empty;

	while (!p->err && !at_end(ps) && ps->s[ps->i] == '|') {
		ps->i++;
		b = parse_branch(ps);
		any_empty |= b.empty;
		if (any_empty)
			continue;
		memset(&f, 0, sizeof f);
		f.start = emit(p, OP_SPLIT);
		f.exit = emit(p, OP_JMP);
		if (p->err)
			break;
		p->v[f.start].x = alt.start;
		p->v[f.start].y = b.start;
		patch(p, &alt, f.exit);
		patch(p, &b, f.exit);
		alt = f;
	}
	/* Sequoia: an alternation with an empty branch is empty. */
	return any_empty ? empty_frag() : alt;
}

/* ---- UTF-8 -------------------------------------------------------------------- */

/* Decode valid UTF-8 into code points; false if invalid. */
static bool
decode(const uint8_t *s, size_t n, uint32_t **out, size_t *nout)
{
	uint32_t *v = calloc(n + 1, sizeof *v), cp;
	size_t i = 0, k, len, m = 0;

	if (!v)
		return false;
	while (i < n) {
		uint8_t c = s[i];

		if (c < 0x80) {
			v[m++] = c;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			goto bad;
		}
		if (i + len > n)
			goto bad;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			goto bad;
		v[m++] = cp;
		i += len;
	}
	*out = v;
	*nout = m;
	return true;
bad:
	free(v);
	return false;
}

/* ---- the Pike VM ------------------------------------------------------------------ */

typedef struct threads {
	uint32_t *pc;
	size_t n;
	uint32_t *mark;          /* generation stamps per instruction */
} threads;

static bool
in_class(const prog *p, const inst *in, uint32_t c)
{
	uint32_t k;
	bool hit = false;

	for (k = 0; k < in->n && !hit; k++)
		hit = c >= p->ranges[in->first + k][0] &&
		      c <= p->ranges[in->first + k][1];
	return hit != in->negate;
}

/* Add PC and what it leads to without consuming input, at position POS of
 * a text of LEN code points.  Returns true when MATCH is reached. */
static bool
add_thread(const prog *p, threads *t, uint32_t pc, uint32_t gen, size_t pos,
	   size_t len, uint32_t *stack)
{
	size_t sp = 0;

	stack[sp++] = pc;
	while (sp) {
		pc = stack[--sp];
		if (t->mark[pc] == gen)
			continue;
		t->mark[pc] = gen;
		switch (p->v[pc].op) {
		case OP_JMP:
			stack[sp++] = p->v[pc].x;
			break;
		case OP_SPLIT:
			stack[sp++] = p->v[pc].y;
			stack[sp++] = p->v[pc].x;
			break;
		case OP_BOL:
			if (pos == 0)
				stack[sp++] = p->v[pc].x;
			break;
		case OP_EOL:
			if (pos == len)
				stack[sp++] = p->v[pc].x;
			break;
		case OP_MATCH:
			return true;
		default:
			t->pc[t->n++] = pc;
			break;
		}
	}
	return false;
}

static bool
run(const prog *p, uint32_t start, const uint32_t *text, size_t len)
{
	threads a, b, *cur = &a, *nxt = &b, *tmp;
	uint32_t *stack, gen = 1;
	size_t pos, k;
	bool match = false;

	a.pc = calloc(p->n + 1, sizeof *a.pc);
	b.pc = calloc(p->n + 1, sizeof *b.pc);
	a.mark = b.mark = calloc(p->n + 1, sizeof *a.mark);
	stack = calloc(2 * p->n + 2, sizeof *stack);
	if (!a.pc || !b.pc || !a.mark || !stack)
		goto leave;
	a.n = b.n = 0;
	/* Every generation fills exactly one thread list; a search starts
	 * a new thread at every position. */
	match = add_thread(p, cur, start, gen, 0, len, stack);
	for (pos = 0; pos < len && !match; pos++) {
		gen++;
		nxt->n = 0;
		for (k = 0; k < cur->n && !match; k++) {
			const inst *in = &p->v[cur->pc[k]];
			bool step = false;

			switch (in->op) {
			case OP_CHAR: step = in->c == text[pos]; break;
			case OP_ANY: step = true; break;
			case OP_CLASS: step = in_class(p, in, text[pos]); break;
			default: break;
			}
			if (step)
				match = add_thread(p, nxt, in->x, gen, pos + 1,
						   len, stack);
		}
		if (!match)
			match = add_thread(p, nxt, start, gen, pos + 1, len,
					   stack);
		tmp = cur;
		cur = nxt;
		nxt = tmp;
	}
leave:
	free(a.pc);
	free(b.pc);
	free(a.mark);
	free(stack);
	return match;
}

/* One regex: -1 invalid, 0 no match, 1 match. */
static int
match_one(const uint8_t *re, size_t re_len, const uint32_t *text, size_t len)
{
	parser ps;
	prog p;
	frag f;
	uint32_t m;
	int rc = -1;

	memset(&p, 0, sizeof p);
	memset(&ps, 0, sizeof ps);
	if (!decode(re, re_len, (uint32_t **)&ps.s, &ps.n))
		return -1;
	if (ps.n > REGEX_MAX_CHARS) {
		free((void *)ps.s);
		return -1;
	}
	ps.p = &p;
	f = parse_regex(&ps);
	if (p.err || !at_end(&ps))
		goto leave;
	m = emit(&p, OP_MATCH);
	if (p.err)
		goto leave;
	if (!f.empty)
		patch(&p, &f, m);
	rc = run(&p, f.empty ? m : f.start, text, len) ? 1 : 0;
leave:
	free((void *)ps.s);
	free(p.v);
	free(p.ranges);
	return rc;
}

/* ---- the regex set of a trust signature ----------------------------------------- */

static bool
has_control(const uint32_t *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] < 0x20 || (t[i] >= 0x7f && t[i] <= 0x9f))
			return true;
	return false;
}

bool
weft_trust_regex_match(const weft_summary *s, const weft_tsig *sig,
		       const uint8_t *uid, size_t uid_len)
{
	uint32_t *text = NULL;
	size_t len, k;
	bool match = false;

	if (!sig || !(sig->flags & WEFT_TSF_TRUST) || !sig->nregex)
		return true;
	/* User IDs that are not UTF-8 or hold control characters never
	 * match (Sequoia's sanitisation). */
	if (!decode(uid, uid_len, &text, &len))
		return false;
	if (has_control(text, len)) {
		free(text);
		return false;
	}
	for (k = 0; k < sig->nregex && !match; k++) {
		const weft_tbytes *r = &s->regexes[sig->regex + k];

		match = match_one(r->data, r->len, text, len) == 1;
	}
	free(text);
	return match;
}
