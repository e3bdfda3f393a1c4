/* match_query.c - the query language: a lexer and a recursive-descent
 * parser from a query string to a tree (match_int.h).  The grammar, with
 * the binary-NOT rule of match.h:
 *
 *   query   := group EOF
 *   group   := or                       (plus the group's exclusions)
 *   or      := and { OR and }
 *   and     := unary { [AND] unary | NOT unary }   NOT here: an exclusion
 *   unary   := NOT unary | near
 *   near    := primary { NEAR/n[f] primary }
 *   primary := WORD | "PHRASE" | ( group )
 *
 * Every error names the token where parsing stopped by its column, in
 * characters from 1. */
#include "analysis/match_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "core/xalloc.h"

enum mq_tokt { T_EOF, T_LP, T_RP, T_WORD, T_PHRASE, T_AND, T_OR, T_NOT, T_NEAR };

struct mq_parser {
	const char *q;
	size_t qlen;
	size_t pos;       /* lexer position */
	enum mq_tokt t;   /* current token */
	size_t off, len;  /* its bytes (a phrase: inside the quotes) */
	size_t phrase_at; /* T_PHRASE: where its opening quote is */
	unsigned dist;    /* T_NEAR */
	bool ordered;     /* T_NEAR */
	struct mq_tree *tree;
	bool cs;
	int depth;
	int nleaves;
	char *err;
	size_t errlen;
	int col; /* of the error; 0: none yet */
};

/* A group's exclusions: operands of the NOTs that followed a term. */
struct mq_group {
	int head, tail;
};

static const char *const mq_tok_names[] = {
        [T_EOF] = "end", [T_LP] = "'('", [T_RP] = "')'",  [T_WORD] = "word", [T_PHRASE] = "phrase",
        [T_AND] = "AND", [T_OR] = "OR",  [T_NOT] = "NOT", [T_NEAR] = "NEAR",
};

static int mq_group(struct mq_parser *p);
static int mq_unary(struct mq_parser *p);

/* Records the first error only; returns -1 for "return mq_fail(...)". */
static int __attribute__((format(printf, 3, 4)))
mq_fail(struct mq_parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->col)
		return -1;
	p->col = (int)utf8_count(p->q, off) + 1;
	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- lexer ---- */

static bool
mq_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Bytes of the double quote at s: '"', or the typographic quotes that
 * word processors put into a query pasted from them; else 0. */
static size_t
mq_quote(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*s == '"')
		return 1;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x9c || u[2] == 0x9d || u[2] == 0x9e))
		return 3; /* U+201C, U+201D, U+201E */
	return 0;
}

static bool
mq_delim(const char *s)
{
	return !*s || mq_space(*s) || *s == '(' || *s == ')' || mq_quote(s);
}

/* Reads the NEAR operator at off (len bytes, starting "NEAR"). */
static int
mq_lex_near(struct mq_parser *p, size_t off, size_t len)
{
	const char *s;
	size_t i = 0;
	unsigned d = 0;

	if (len <= 5 || p->q[off + 4] != '/' || p->q[off + 5] < '0' || p->q[off + 5] > '9')
		return mq_fail(p, off, "NEAR needs a distance in words, like NEAR/3");
	s = p->q + off + 5;
	for (; 5 + i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		d = d * 10 + (unsigned)(s[i] - '0');
		if (d > MATCH_NEAR_MAX)
			return mq_fail(p, off, "NEAR/n: n must be 0 to %d", MATCH_NEAR_MAX);
	}
	p->ordered = 5 + i + 1 == len && s[i] == 'f';
	if (5 + i != len && !p->ordered)
		return mq_fail(p, off + 5 + i, "NEAR/n takes only a number and an optional f");
	p->dist = d;
	p->t = T_NEAR;
	return 0;
}

/* Classifies the bare word at off: an operator, or a term. */
static int
mq_lex_word(struct mq_parser *p, size_t off, size_t len)
{
	static const char *const ops[] = {"AND", "OR", "NOT"};
	static const enum mq_tokt opt[] = {T_AND, T_OR, T_NOT};
	const char *w = p->q + off;

	for (size_t i = 0; i < 3; i++) {
		if (len == strlen(ops[i]) && strncmp(w, ops[i], len) == 0)
			return p->t = opt[i], 0;
		if (len == strlen(ops[i]) && strncasecmp(w, ops[i], len) == 0)
			return mq_fail(
			        p, off,
			        "'%.*s' is not an operator: write %s, or \"%.*s\" for the word",
			        (int)len, w, ops[i], (int)len, w);
	}
	if (len >= 4 && strncmp(w, "NEAR", 4) == 0 && (len == 4 || w[4] == '/'))
		return mq_lex_near(p, off, len);
	if (len >= 5 && strncasecmp(w, "near/", 5) == 0)
		return mq_fail(p, off, "'%.*s' is not an operator: write NEAR/n in capitals",
		               (int)len, w);
	if (w[0] == '-' && len > 1)
		return mq_fail(p, off, "'-' does not exclude here: write NOT %.*s", (int)len - 1,
		               w + 1);
	if (w[0] == '~')
		return mq_fail(p, off, "'~n' proximity is not supported: use NEAR/n");
	p->t = T_WORD;
	return 0;
}

/* Moves to the next token. */
static int
mq_next(struct mq_parser *p)
{
	const char *q = p->q;
	size_t start, ql;

	while (p->pos < p->qlen && mq_space(q[p->pos]))
		p->pos++;
	p->off = start = p->pos;
	p->len = 0;
	if (p->pos >= p->qlen)
		return p->t = T_EOF, 0;
	if (q[start] == '(' || q[start] == ')') {
		p->pos++;
		p->len = 1;
		return p->t = q[start] == '(' ? T_LP : T_RP, 0;
	}
	if ((ql = mq_quote(q + start))) {
		size_t end = start + ql, el;

		while (end < p->qlen && !(el = mq_quote(q + end)))
			end++;
		if (end >= p->qlen)
			return mq_fail(p, start, "unterminated phrase: '%.*s' is never closed",
			               (int)ql, q + start);
		p->phrase_at = start;
		p->off = start + ql;
		p->len = end - p->off;
		p->pos = end + el;
		return p->t = T_PHRASE, 0;
	}
	while (!mq_delim(q + p->pos))
		p->pos++;
	p->len = p->pos - start;
	return mq_lex_word(p, start, p->len);
}

/* ---- tree ---- */

static int
mq_node_new(struct mq_parser *p, enum mq_op op)
{
	struct mq_tree *t = p->tree;
	struct mq_node *nd;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof(*t->nodes));
	}
	nd = &t->nodes[t->n];
	memset(nd, 0, offsetof(struct mq_node, str));
	nd->op = (unsigned char)op;
	nd->kid = nd->next = -1;
	return (int)t->n++;
}

/* Appends node k to the sibling chain that ends at *tail (or starts it). */
static void
mq_chain(struct mq_parser *p, int *head, int *tail, int k)
{
	if (*head < 0)
		*head = k;
	else
		p->tree->nodes[*tail].next = k;
	*tail = k;
}

/* A node op over the chain starting at head; head itself when alone. */
static int
mq_wrap(struct mq_parser *p, enum mq_op op, int head)
{
	int k;

	if (p->tree->nodes[head].next < 0 && op != MQ_NOT)
		return head;
	k = mq_node_new(p, op);
	p->tree->nodes[k].kid = head;
	return k;
}

/* ---- terms ---- */

/* Adds a leaf for token tk. */
static int
mq_leaf(struct mq_parser *p, const struct mt_tok *tk, unsigned kind, bool prefix, size_t woff)
{
	size_t len = p->cs ? tk->klen : tk->flen;
	int k;

	if (++p->nleaves > MATCH_MAX_TERMS)
		return mq_fail(p, woff, "too many words (more than %d)", MATCH_MAX_TERMS);
	if (p->cs ? tk->ktoolong : tk->ftoolong)
		return mq_fail(p, woff, "word longer than %d bytes", MATCH_MAX_WORD);
	if (prefix && tk->nchars < MATCH_MIN_PREFIX)
		return mq_fail(p, woff, "'*' needs at least %d letters before it",
		               MATCH_MIN_PREFIX);
	k = mq_node_new(p, MQ_LEAF);
	p->tree->nodes[k].kind = (unsigned char)kind;
	p->tree->nodes[k].prefix = prefix;
	p->tree->nodes[k].len = len;
	memcpy(p->tree->nodes[k].str, p->cs ? tk->keep : tk->fold, len);
	return k;
}

/* Adds the leaves of one space-free word (off, len) to the chain: an
 * optional '@' or '#', text that may split into several words, and an
 * optional trailing '*' that applies to the last of them.  Returns the
 * number of leaves (0: punctuation only), or -1 on error. */
static int
mq_word(struct mq_parser *p, size_t off, size_t len, int *head, int *tail)
{
	const char *w = p->q + off;
	unsigned kind = MT_WORD;
	bool prefix = false, more;
	struct mt_scan sc;
	struct mt_tok tk, cur;
	const char *star;
	int n = 0;

	if (len && (w[0] == '@' || w[0] == '#')) {
		kind = w[0] == '@' ? MT_HANDLE : MT_TAG;
		w++, len--;
	}
	if (len && w[len - 1] == '*') {
		prefix = true;
		len--;
	}
	if ((star = memchr(w, '*', len)))
		return mq_fail(p, (size_t)(star - p->q), "'*' may only end a word");
	mt_init(&sc, w, len, p->cs);
	for (more = mt_next(&sc, &tk); more; n++) {
		int k;

		cur = tk;
		more = mt_next(&sc, &tk);
		k = mq_leaf(p, &cur, n == 0 ? kind : cur.kind, prefix && !more, off);
		if (k < 0)
			return -1;
		mq_chain(p, head, tail, k);
	}
	if (n == 0 && prefix)
		return mq_fail(p, off, "'*' needs at least %d letters before it", MATCH_MIN_PREFIX);
	return n;
}

/* A bare word: one leaf, or the phrase of its words ("acme.com"). */
static int
mq_term(struct mq_parser *p)
{
	int head = -1, tail = -1, n = mq_word(p, p->off, p->len, &head, &tail);

	if (n < 0)
		return -1;
	if (n == 0)
		return mq_fail(p, p->off, "'%.*s' has no letters or digits to match", (int)p->len,
		               p->q + p->off);
	return mq_wrap(p, MQ_PHRASE, head);
}

/* A quoted phrase: the words of its space-separated parts, in order;
 * punctuation alone ("a - b") is skipped as it is in texts. */
static int
mq_phrase(struct mq_parser *p)
{
	size_t i = p->off, end = p->off + p->len, open = p->phrase_at;
	int head = -1, tail = -1;

	while (i < end) {
		size_t j;

		while (i < end && mq_space(p->q[i]))
			i++;
		for (j = i; j < end && !mq_space(p->q[j]); j++)
			;
		if (j > i && mq_word(p, i, j - i, &head, &tail) < 0)
			return -1;
		i = j;
	}
	if (head < 0)
		return mq_fail(p, open, "empty phrase: \"%.*s\" has no words to match", (int)p->len,
		               p->q + p->off);
	return mq_wrap(p, MQ_PHRASE, head);
}

/* ---- grammar ---- */

static bool
mq_operand(enum mq_tokt t)
{
	return t == T_WORD || t == T_PHRASE || t == T_LP;
}

/* The operator at (off, len) has no operand after it. */
static int
mq_dangling(struct mq_parser *p, size_t off, size_t len)
{
	return mq_fail(p, off, "%.*s needs a term after it", (int)len, p->q + off);
}

/* A term was expected at the start of a group or query, but not found. */
static int
mq_missing(struct mq_parser *p)
{
	switch (p->t) {
	case T_AND:
	case T_OR:
	case T_NEAR:
		return mq_fail(p, p->off, "%.*s needs a term before it", (int)p->len,
		               p->q + p->off);
	case T_RP: return mq_fail(p, p->off, "unbalanced parentheses: ')' has no '('");
	default: return mq_fail(p, p->off, "expected a term, found %s", mq_tok_names[p->t]);
	}
}

static int
mq_deeper(struct mq_parser *p, size_t off)
{
	if (++p->depth > MATCH_MAX_DEPTH)
		return mq_fail(p, off, "nested too deeply (more than %d levels)", MATCH_MAX_DEPTH);
	return 0;
}

static int
mq_primary(struct mq_parser *p)
{
	size_t lp = p->off;
	int k;

	switch (p->t) {
	case T_WORD: k = mq_term(p); break;
	case T_PHRASE: k = mq_phrase(p); break;
	case T_LP:
		if (mq_deeper(p, lp) < 0 || mq_next(p) < 0)
			return -1;
		if (p->t == T_RP)
			return mq_fail(p, lp, "empty parentheses");
		if ((k = mq_group(p)) < 0)
			return -1;
		if (p->t != T_RP)
			return mq_fail(p, lp, "unbalanced parentheses: '(' is never closed");
		p->depth--;
		break;
	default: return mq_missing(p);
	}
	if (k < 0 || mq_next(p) < 0)
		return -1;
	return k;
}

/* True when k has places in the text a NEAR can measure from. */
static bool
mq_positional(const struct mq_tree *t, int k)
{
	const struct mq_node *nd = &t->nodes[k];

	if (nd->op == MQ_OR) {
		for (int c = nd->kid; c >= 0; c = t->nodes[c].next)
			if (!mq_positional(t, c))
				return false;
		return true;
	}
	return nd->op == MQ_LEAF || nd->op == MQ_PHRASE || nd->op == MQ_NEAR;
}

static int
mq_near(struct mq_parser *p)
{
	int left = mq_primary(p), depth = p->depth;

	while (left >= 0 && p->t == T_NEAR) {
		size_t off = p->off, len = p->len;
		unsigned dist = p->dist;
		bool ordered = p->ordered;
		int right, k;

		if (mq_deeper(p, off) < 0 || mq_next(p) < 0)
			return -1;
		if (!mq_operand(p->t))
			return mq_dangling(p, off, len);
		if ((right = mq_primary(p)) < 0)
			return -1;
		if (!mq_positional(p->tree, left) || !mq_positional(p->tree, right))
			return mq_fail(
			        p, off,
			        "NEAR takes words, phrases or (... OR ...) groups on each side");
		k = mq_node_new(p, MQ_NEAR);
		p->tree->nodes[k].dist = dist;
		p->tree->nodes[k].ordered = ordered;
		p->tree->nodes[k].kid = left;
		p->tree->nodes[left].next = right;
		left = k;
	}
	p->depth = depth;
	return left;
}

static int
mq_unary(struct mq_parser *p)
{
	size_t off = p->off, len = p->len;
	int k, n;

	if (p->t != T_NOT)
		return mq_near(p);
	if (mq_deeper(p, off) < 0 || mq_next(p) < 0)
		return -1;
	if (!mq_operand(p->t) && p->t != T_NOT)
		return mq_dangling(p, off, len);
	if ((k = mq_unary(p)) < 0)
		return -1;
	p->depth--;
	n = mq_node_new(p, MQ_NOT);
	p->tree->nodes[n].kid = k;
	return n;
}

/* Terms joined by AND or adjacency.  The operand of a NOT that follows a
 * term goes to the group's exclusions instead. */
static int
mq_and(struct mq_parser *p, struct mq_group *g)
{
	int head = -1, tail = -1, k = mq_unary(p);

	if (k < 0)
		return -1;
	mq_chain(p, &head, &tail, k);
	for (;;) {
		size_t off = p->off, len = p->len;
		bool exclude = p->t == T_NOT;

		if (p->t == T_AND || p->t == T_NOT) {
			if (mq_next(p) < 0)
				return -1;
			if (!mq_operand(p->t) && p->t != T_NOT)
				return mq_dangling(p, off, len);
		} else if (!mq_operand(p->t)) {
			break;
		}
		if ((k = mq_unary(p)) < 0)
			return -1;
		if (exclude)
			mq_chain(p, &g->head, &g->tail, k);
		else
			mq_chain(p, &head, &tail, k);
	}
	return mq_wrap(p, MQ_AND, head);
}

static int
mq_or(struct mq_parser *p, struct mq_group *g)
{
	int head = -1, tail = -1, k = mq_and(p, g);

	if (k < 0)
		return -1;
	mq_chain(p, &head, &tail, k);
	while (p->t == T_OR) {
		size_t off = p->off, len = p->len;

		if (mq_next(p) < 0)
			return -1;
		if (!mq_operand(p->t) && p->t != T_NOT)
			return mq_dangling(p, off, len);
		if ((k = mq_and(p, g)) < 0)
			return -1;
		mq_chain(p, &head, &tail, k);
	}
	return mq_wrap(p, MQ_OR, head);
}

/* An OR expression AND NOT each of its exclusions. */
static int
mq_group(struct mq_parser *p)
{
	struct mq_group g = {-1, -1};
	int head = -1, tail = -1, k = mq_or(p, &g);

	if (k < 0 || g.head < 0)
		return k;
	mq_chain(p, &head, &tail, k);
	for (int e = g.head, next; e >= 0; e = next) {
		int n = mq_node_new(p, MQ_NOT);

		next = p->tree->nodes[e].next;
		p->tree->nodes[e].next = -1;
		p->tree->nodes[n].kid = e;
		mq_chain(p, &head, &tail, n);
	}
	return mq_wrap(p, MQ_AND, head);
}

/* Byte offset of the first invalid UTF-8 sequence of q, or len. */
static size_t
mq_invalid_at(const char *q, size_t len)
{
	size_t i = 0, l;

	while (i < len && (l = utf8_decode(q + i, len - i, NULL)) > 0)
		i += l;
	return i;
}

enum es_err
mq_parse(const char *query, bool cs, struct mq_tree *t, char *err, size_t errlen, int *col)
{
	struct mq_parser p = {.q = query,
	                      .qlen = strlen(query),
	                      .tree = t,
	                      .cs = cs,
	                      .err = err,
	                      .errlen = errlen};
	size_t bad = mq_invalid_at(query, p.qlen);

	t->n = 0;
	t->root = -1;
	if (bad < p.qlen)
		mq_fail(&p, bad, "invalid UTF-8");
	else if (mq_next(&p) == 0 && p.t == T_EOF)
		mq_fail(&p, 0, "empty query");
	else if (!p.col && (t->root = mq_group(&p)) >= 0 && p.t == T_RP)
		mq_fail(&p, p.off, "unbalanced parentheses: ')' has no '('");
	if (col)
		*col = p.col;
	if (p.col) {
		t->root = -1;
		return ES_EPARSE;
	}
	return ES_OK;
}

void
mq_tree_free(struct mq_tree *t)
{
	if (!t)
		return;
	free(t->nodes);
	t->nodes = NULL;
	t->n = t->cap = 0;
	t->root = -1;
}
