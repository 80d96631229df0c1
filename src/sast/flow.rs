//! Taint-lite: what a value in the syntax tree is made of.
//!
//! A query finds the sink (`cursor.execute(…)`); these functions decide whether the argument
//! there is dangerous. They answer four questions about a node, looking through parentheses
//! and, for a variable, at its assignments earlier in the same function (then in enclosing
//! scopes):
//!
//! * [`Flow::is_constant`]: built only from literals (`"SELECT 1"`, `b"\x00" * 16`, `CONST`).
//! * [`Flow::is_dynamic`]: a string built from a non-constant part: concatenation, an
//!   interpolated string (f-string, template literal, `"#{x}"`, `"$x"`), `%`/`.format`/
//!   `Sprintf` formatting. `execute(q, params)` with a constant `q` is not dynamic; `execute(
//!   "…" + user)` is.
//! * [`Flow::flows_from_source`]: mentions a well-known untrusted source (`request.args`,
//!   `req.query`, `$_GET`, `params[…]`, a route handler's parameters), directly or through a
//!   variable.
//! * [`Flow::flows_from_param`]: flows from a parameter of the enclosing function.
//!
//! Invariants: every question is bounded — at most [`MAX_DEPTH`] variable hops, at most
//! [`VISIT_BUDGET`] nodes visited and [`MAX_NESTING`] levels of recursion — so a
//! pathological snippet costs milliseconds and never overflows a worker's stack; an
//! exhausted question answers `false` (except that an interpolation found before the budget
//! ran out still makes its string dynamic), and a question past the snippet's deadline ends
//! the walk. Every node a question looks at counts (a string's leaves, 64 to a visit), walks
//! up the tree included: tree-sitter's `Node::parent` searches down from the root, so scopes
//! are found once per question by one descent (see [`Flow::scopes`]), never by parent steps
//! per identifier. An unknown construct is never "constant" and never "dynamic", so
//! uncertainty falls on the side of silence for the `dynamic`-style checks and of reporting
//! for the `not_constant` ones, which rules choose knowingly.
//!
//! Rejected: real inter-procedural data flow. It needs whole programs and type information,
//! which answer snippets do not have; the local, syntactic view catches the patterns LLMs
//! actually produce (a string built one or two lines above the sink) at a fraction of the cost.

use super::syntax::Syntax;
use regex::Regex;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Instant;
use tree_sitter::{Node, Tree};

/// How many variable-to-assignment hops a question may follow.
const MAX_DEPTH: u8 = 4;

/// How many nodes one question may visit. Questions on normal code visit tens to hundreds;
/// the cap keeps a pathological snippet (a 20,000-term concatenation) from turning a
/// condition into a hang. An exhausted question answers `false`.
const VISIT_BUDGET: u32 = 20_000;

/// How many nodes of a function [`Flow::number_bindings`] may visit.
const NUMBER_WALK: u32 = 200_000;

/// How deep the recursive questions may nest (nested binary expressions). Worker threads
/// have small stacks; past this the answer is `false` instead of a stack overflow.
const MAX_NESTING: u32 = 200;

/// How many visits pass between two looks at the clock.
const CLOCK_EVERY: u32 = 512;

/// Calls that only convert a constant into another constant (`"k".encode()`,
/// `Buffer.from("…")`, `[]byte("…")`, `bytes.fromhex("00")`).
const CONVERSIONS: &[&str] = &[
    "encode",
    "getBytes",
    "toCharArray",
    "from",
    "alloc",
    "bytes",
    "bytearray",
    "fromhex",
    "unhexlify",
    "str",
    "String",
    "b",
    "of",
    "repeat",
    "Repeat",
    "nCopies",
    "collect",
    "joining",
    "toString",
];

/// Parents under which an expression is an operand, an argument or a returned value:
/// read for its value, not bound or written.
const OPERAND_PARENTS: [&str; 9] = [
    "binary_operator",
    "binary_expression",
    "parenthesized_expression",
    "argument_list",
    "arguments",
    "return_statement",
    "conditional_expression",
    "ternary_expression",
    "expression_statement",
];

/// Driver calls that quote an identifier or a literal for SQL (see
/// [`Flow::sql_quoting_call`]).
const SQL_QUOTERS: [&str; 5] = [
    "sql.Identifier",
    "sql.Literal",
    "sql.Placeholder",
    "pq.QuoteIdentifier",
    "pq.QuoteLiteral",
];

/// Kinds that read an element of a collection by index or key (`TABLES[kind]`).
/// Not Ruby's `element_reference`: its strings change in place (`T[k] << x`).
const SUBSCRIPTS: [&str; 4] = [
    "subscript",
    "subscript_expression",
    "array_access",
    "index_expression",
];

/// Conditional statements and expressions, whose branches run on their condition's value:
/// not loops (`do … while` runs its body first; a `while` that breaks out leaves it true).
const CONDITIONALS: [&str; 9] = [
    "if_statement",
    "if",
    "unless",
    "if_modifier",
    "unless_modifier",
    "if_expression",
    "ternary_expression",
    "conditional_expression",
    "conditional",
];

/// Clauses that run when the statements before them did not finish, or whatever they did.
const HANDLERS: [&str; 6] = [
    "rescue",
    "ensure",
    "else",
    "except_clause",
    "catch_clause",
    "finally_clause",
];

/// Methods that test whether their argument is in the receiver (`ALLOWED.includes(k)`),
/// or read it from there (`get`), leaving the receiver as it was.
const MEMBERSHIP_METHODS: [&str; 9] = [
    "includes",
    "has",
    "contains",
    "include?",
    "member?",
    "containsKey",
    "has_key?",
    "key?",
    "get",
];

/// Kinds that make a list, map, set or object (besides each language's array literals):
/// values that change in place.
const LIST_KINDS: [&str; 11] = [
    "composite_literal",
    "dictionary",
    "object",
    "hash",
    "set",
    "string_array",
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "new_expression",
    "object_creation_expression",
];

/// Calls that make a list, map or set (`list(…)`, `Array.from(…)`, `List.of(…)`).
const LIST_MAKERS: [&str; 10] = [
    "list",
    "dict",
    "set",
    "frozenset",
    "Set",
    "Map",
    "Array",
    "from",
    "of",
    "asList",
];

/// Methods that read a list, map, set or builder and leave it as it was, or only take
/// elements away or reorder them, in every language here (not Ruby's `concat`, which
/// appends, nor `Arrays.asList`, a view that writes through).
const LIST_READERS: [&str; 55] = [
    "join",
    "includes",
    "indexOf",
    "lastIndexOf",
    "contains",
    "containsKey",
    "containsValue",
    "has",
    "get",
    "getOrDefault",
    "size",
    "length",
    "count",
    "index",
    "isEmpty",
    "empty?",
    "include?",
    "key?",
    "member?",
    "slice",
    "toString",
    "to_s",
    "to_a",
    "keys",
    "values",
    "items",
    "stream",
    "first",
    "last",
    "at",
    "fetch",
    "map",
    "filter",
    "forEach",
    "each",
    "some",
    "every",
    "find",
    "findIndex",
    "flatMap",
    "reduce",
    "entries",
    "iterator",
    "equals",
    "hashCode",
    "concat",
    "toArray",
    "copy",
    "sort",
    "reverse",
    "pop",
    "shift",
    "remove",
    "clear",
    "setLength",
];

/// Ruby's [`LIST_READERS`]: the methods that hand out no element, which could be changed
/// in place.
const RUBY_LIST_READERS: [&str; 14] = [
    "join", "include?", "size", "length", "count", "empty?", "key?", "member?", "to_s", "freeze",
    "frozen?", "inspect", "index", "rindex",
];

/// Built-in functions, by their bare name, that read a list given them and leave it as it
/// was: measuring, copying, testing, printing it.
const LIST_READING_BUILTINS: [&str; 21] = [
    "len",
    "count",
    "sizeof",
    "in_array",
    "array_key_exists",
    "implode",
    "sorted",
    "list",
    "tuple",
    "set",
    "frozenset",
    "str",
    "repr",
    "print",
    "puts",
    "enumerate",
    "zip",
    "reversed",
    "min",
    "max",
    "isinstance",
];

/// Library functions and copying constructors, by the last part of their name, that read
/// a list given them and leave it as it was: joining, serializing, logging, copying,
/// freezing it.
const LIST_READING_CALLS: [&str; 28] = [
    "join",
    "println",
    "log",
    "debug",
    "info",
    "warn",
    "warning",
    "dumps",
    "stringify",
    "isArray",
    "keys",
    "values",
    "entries",
    "fromkeys",
    "toString",
    "unmodifiableList",
    "requireNonNull",
    "ArrayList",
    "LinkedList",
    "HashSet",
    "LinkedHashSet",
    "TreeSet",
    "ArrayDeque",
    "Set",
    "freeze",
    "isFrozen",
    "from",
    "String",
];

/// Go's standard functions that return a slice (so `range` over it hands out indexes).
const GO_SLICE_MAKERS: [&str; 8] = [
    "strings.Split",
    "strings.SplitN",
    "strings.SplitAfter",
    "strings.SplitAfterN",
    "strings.Fields",
    "strings.FieldsFunc",
    "bytes.Split",
    "bytes.Fields",
];

/// Decorators/annotations that make a function an HTTP handler, whose parameters are
/// untrusted (`@app.route`, `@GetMapping`, `@router.post`).
const HANDLER_MARKS: &str =
    r"(?i)@\s*[\w.]*(route|mapping|\.get|\.post|\.put|\.delete|\.patch|api_view)\b";

/// Answers the questions above for one parsed snippet.
pub(crate) struct Flow<'a> {
    src: &'a str,
    root: Node<'a>,
    syn: &'static Syntax,
    sources: &'a Regex,
    handler: &'a Regex,
    /// Nodes the current question may still visit (see [`VISIT_BUDGET`]).
    budget: Cell<u32>,
    /// Current nesting of recursive calls (see [`MAX_NESTING`]).
    nesting: Cell<u32>,
    /// When the snippet's time is up; past it every question answers `false`.
    deadline: Instant,
    late: Cell<bool>,
    /// [`Flow::number_bindings`] of each function asked about, by its node id.
    numbers: RefCell<HashMap<usize, Bindings>>,
    /// [`Flow::literal_table`]'s answers, by defining scope and name.
    tables: RefCell<HashMap<(usize, String), bool>>,
    /// Whether [`Flow::element_writes`] found any, by defining scope and name.
    writes: RefCell<HashMap<(usize, String), bool>>,
}

/// Byte offsets from a start to an end.
type Span = (usize, usize);

/// By name, in one function: where declarations of the name as a number are in force, or
/// `None` when something else binds it there.
type Bindings = HashMap<String, Option<Vec<Span>>>;

/// A function (or the whole snippet) that encloses a node, with the node above it.
#[derive(Clone, Copy)]
struct Scope<'a> {
    node: Node<'a>,
    parent: Option<Node<'a>>,
}

/// A depth-first walk of the nodes under one, each with whether a function nested in the
/// walk's root holds it. Bounded by its own count, not a question's budget: after
/// [`NUMBER_WALK`] nodes, or once the snippet's time is up, it yields one `None` (the
/// answer is not known) and ends.
struct Walk<'f, 'a> {
    flow: &'f Flow<'a>,
    root: Node<'a>,
    stack: Vec<(Node<'a>, bool)>,
    visits: u32,
    /// Whether nested functions, and what they hold, are left out.
    shallow: bool,
}

impl<'a> Iterator for Walk<'_, 'a> {
    type Item = Option<(Node<'a>, bool)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (x, nested) = self.stack.pop()?;
            self.visits += 1;
            if self.visits > NUMBER_WALK || self.flow.late.get() {
                self.stack.clear();
                return Some(None);
            }
            let function = x.id() != self.root.id() && self.flow.syn.functions.contains(&x.kind());
            if function && self.shallow {
                continue;
            }
            self.stack
                .extend(named_children(x).map(|c| (c, nested || function)));
            return Some(Some((x, nested)));
        }
    }
}

/// TypeScript's `x as T`, `x satisfies T` and `x!`: `x`, as far as values go.
const ASSERTIONS: [&str; 3] = [
    "as_expression",
    "satisfies_expression",
    "non_null_expression",
];

/// Leaves one level of nesting when dropped.
struct Nest<'f>(&'f Cell<u32>);

impl Drop for Nest<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl<'a> Flow<'a> {
    pub(crate) fn new(
        src: &'a str,
        tree: &'a Tree,
        syn: &'static Syntax,
        sources: &'a Regex,
        handler: &'a Regex,
        deadline: Instant,
    ) -> Self {
        Flow {
            src,
            root: tree.root_node(),
            syn,
            sources,
            handler,
            budget: Cell::new(VISIT_BUDGET),
            nesting: Cell::new(0),
            deadline,
            late: Cell::new(false),
            numbers: RefCell::new(HashMap::new()),
            tables: RefCell::new(HashMap::new()),
            writes: RefCell::new(HashMap::new()),
        }
    }

    /// Starts a new question with a full visit budget (none once the deadline has passed).
    pub(crate) fn begin(&self) {
        self.budget
            .set(if self.late.get() { 0 } else { VISIT_BUDGET });
        self.nesting.set(0);
    }

    /// Whether a question ran into the deadline: the caller's walk should end.
    pub(crate) fn late(&self) -> bool {
        self.late.get()
    }

    /// The nodes under `root` for a question that reads a whole scope ([`Walk`]); with
    /// `shallow`, not the functions nested in it.
    fn walk(&self, root: Node<'a>, shallow: bool) -> Walk<'_, 'a> {
        Walk {
            flow: self,
            root,
            stack: vec![(root, false)],
            visits: 0,
            shallow,
        }
    }

    /// Spends one visit; false when the budget is gone or the deadline has passed.
    fn spend(&self) -> bool {
        let left = self.budget.get();
        if left == 0 {
            return false;
        }
        if left % CLOCK_EVERY == 0 && Instant::now() >= self.deadline {
            self.late.set(true);
            self.budget.set(0);
            return false;
        }
        self.budget.set(left - 1);
        true
    }

    /// Spends one visit and enters one nesting level; `None` when either limit is reached.
    fn enter(&self) -> Option<Nest<'_>> {
        if self.nesting.get() >= MAX_NESTING || !self.spend() {
            return None;
        }
        self.nesting.set(self.nesting.get() + 1);
        Some(Nest(&self.nesting))
    }

    /// The functions enclosing `n`, innermost first, then the snippet's root: found by one
    /// descent from the root, a visit per level. None at all when the budget ends the descent
    /// first: outer scopes alone would resolve a name to the wrong definition.
    fn scopes(&self, n: Node<'a>) -> Vec<Scope<'a>> {
        let mut out = vec![Scope {
            node: self.root,
            parent: None,
        }];
        let mut cur = self.root;
        while cur.id() != n.id() {
            if !self.spend() {
                return Vec::new();
            }
            let Some(next) = cur.child_with_descendant(n) else {
                break;
            };
            if self.syn.functions.contains(&next.kind()) {
                out.push(Scope {
                    node: next,
                    parent: Some(cur),
                });
            }
            cur = next;
        }
        out.reverse();
        out
    }

    /// The regex behind [`HANDLER_MARKS`]; compiled once by the engine.
    pub(crate) fn handler_regex() -> Result<Regex, regex::Error> {
        Regex::new(HANDLER_MARKS)
    }

    /// The source text of a node (empty if the range is not on char boundaries, which
    /// tree-sitter guarantees for valid UTF-8 input).
    pub(crate) fn text(&self, n: Node<'_>) -> &'a str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    /// Looks through parentheses, casts and single-element wrappers.
    fn unwrap<'t>(&self, mut n: Node<'t>) -> Node<'t> {
        while (self.syn.wrappers.contains(&n.kind()) && n.named_child_count() == 1)
            || ASSERTIONS.contains(&n.kind())
        {
            match n.named_child(0) {
                Some(c) => n = c,
                None => break,
            }
        }
        n
    }

    // ----- constant -------------------------------------------------------------------------

    /// True when the value is built only from literals.
    pub(crate) fn is_constant(&self, n: Node<'a>) -> bool {
        self.constant_at(n, 0)
    }

    fn constant_at(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(_nest) = self.enter() else {
            return false;
        };
        let n = self.unwrap(n);
        let kind = n.kind();
        if depth > MAX_DEPTH {
            return false;
        }
        if self.syn.strings.contains(&kind) {
            let (parts, whole) = self.interpolations(n);
            return whole
                && parts.into_iter().all(|i| {
                    if self.syn.identifiers.contains(&i.kind()) {
                        self.constant_at(i, depth + 1)
                    } else {
                        named_children(i).all(|c| self.constant_at(c, depth + 1))
                    }
                });
        }
        if self.syn.literals.contains(&kind) {
            return true;
        }
        if self.syn.binaries.contains(&kind) {
            // Repeating a constant (`["%s"] * len(ids)`, `b"\0" * 16`) yields constants
            // whatever the count.
            let op = n.child_by_field_name("operator").map(|o| self.text(o));
            if op == Some("%") {
                // `"… LIMIT %d" % limit`: numeric conversions print numbers or raise,
                // whatever they are given (Python, Ruby).
                let numeric_format = n.child_by_field_name("left").is_some_and(|l| {
                    let l = self.unwrap(l);
                    self.syn.strings.contains(&l.kind())
                        && !self.has_interpolation(l)
                        && numeric_conversions_only(self.text(l))
                });
                if numeric_format {
                    return true;
                }
            }
            if op == Some("*") {
                let repeats_constant = named_children(n).any(|c| {
                    let c = self.unwrap(c);
                    (self.syn.strings.contains(&c.kind()) || self.syn.arrays.contains(&c.kind()))
                        && self.constant_at(c, depth)
                });
                if repeats_constant {
                    return true;
                }
            }
            return named_children(n).all(|c| self.constant_at(c, depth));
        }
        if kind == "unary_expression" || kind == "unary_operator" {
            return named_children(n).all(|c| self.constant_at(c, depth));
        }
        if kind == "sizeof_expression" || kind == "alignof_expression" {
            // C `sizeof buf`: a size the compiler knows.
            return true;
        }
        if kind == "type_conversion_expression" {
            // Go `[]byte("…")`.
            return n
                .child_by_field_name("operand")
                .is_some_and(|o| self.constant_at(o, depth));
        }
        // PHP's array element: its value, and its key if it has one (`'k' => 'v'`).
        if self.syn.arrays.contains(&kind)
            || kind == "literal_value"
            || kind == "array_element_initializer"
        {
            return named_children(n)
                .filter(|c| !c.kind().contains("type") && !c.kind().contains("dimensions"))
                .all(|c| self.constant_at(c, depth));
        }
        if self.syn.identifiers.contains(&kind) {
            return self.identifier_constant(n, depth);
        }
        if self.syn.calls.contains(&kind) {
            return self.numeric_call(n)
                || self.sql_quoting_call(n)
                || self.conversion_of_constants(n, depth)
                || self.fills_with_constants(n, depth)
                || self.lookup_of_constants(n, depth);
        }
        if matches!(
            kind,
            "conditional_expression" | "ternary_expression" | "conditional"
        ) {
            // `"DESC" if desc else "ASC"`: one of its branches, whatever the condition.
            return self
                .branches(n)
                .is_some_and(|bs| bs.iter().all(|b| self.constant_at(*b, depth)));
        }
        if kind == "switch_expression" {
            // Java's `switch (s) { case A -> "a"; default -> throw … }`: one of its values.
            return n.child_by_field_name("body").is_some_and(|body| {
                body.named_child_count() > 0
                    && named_children(body).all(|rule| {
                        rule.kind() == "switch_rule"
                            && named_children(rule).last().is_some_and(|v| {
                                v.kind() == "throw_statement"
                                    || (v.kind() == "expression_statement"
                                        && v.named_child(0)
                                            .is_some_and(|e| self.constant_at(e, depth)))
                            })
                    })
            });
        }
        if SUBSCRIPTS.contains(&kind) {
            // `TABLES[kind]`: an element of a literal collection of constants (or nothing),
            // whatever the index.
            let collection = ["value", "object", "array", "operand", "argument"]
                .iter()
                .find_map(|f| n.child_by_field_name(f))
                .or_else(|| n.named_child(0));
            return collection.is_some_and(|c| self.constant_collection(c));
        }
        if matches!(
            kind,
            "generator_expression" | "list_comprehension" | "set_comprehension"
        ) {
            // `"?" for _ in ids`: each element is the body, whatever it iterates, if the
            // body reads none of the names the loop binds.
            let bound: Vec<&str> = named_children(n)
                .filter(|c| c.kind() == "for_in_clause")
                .filter_map(|c| c.child_by_field_name("left"))
                .flat_map(|l| self.identifiers_in(l))
                .map(|i| self.text(i))
                .collect();
            return n.child_by_field_name("body").is_some_and(|b| {
                !bound.iter().any(|name| self.reads_name(b, name)) && self.constant_at(b, depth)
            });
        }
        if kind == "member_expression"
            && n.child_by_field_name("property")
                .is_some_and(|p| self.text(p) == "length")
        {
            // `params.length`: a number when `params` is a list or a string made here. A
            // request object's `length` may be anything.
            return n
                .child_by_field_name("object")
                .is_some_and(|o| self.local_sequence(o));
        }
        if kind == "field_access"
            && n.child_by_field_name("object")
                .is_some_and(|o| self.text(o) == "this")
        {
            // Java's `this.limit`, with `private int limit;`.
            return n
                .child_by_field_name("field")
                .is_some_and(|f| !self.makes_a_character(n) && self.number_field(n, self.text(f)));
        }
        if kind == "cast_expression" {
            // `(int) $x`, `(long) n`: a numeric cast cannot carry syntax.
            let ty = n
                .child_by_field_name("type")
                .map(|t| self.text(t))
                .unwrap_or("");
            return matches!(
                ty,
                "int" | "integer" | "float" | "double" | "long" | "bool" | "boolean"
            );
        }
        false
    }

    /// Whether `o` is a variable its scope gives only literal lists or strings (`const
    /// params = []`), and otherwise only reads, methods (`params.push(v)`) and properties
    /// of: its length is a number. Destructuring, loop variables and other values, in a
    /// closure too, may make it any object, with any `length`.
    fn local_sequence(&self, o: Node<'a>) -> bool {
        let o = self.unwrap(o);
        if !self.syn.identifiers.contains(&o.kind()) {
            return false;
        }
        let scopes = self.scopes(o);
        let Some((scope, _)) = self.defining_scope(o, &scopes) else {
            return false;
        };
        let sequence = |v: Node<'a>| {
            let v = self.unwrap(v);
            self.syn.arrays.contains(&v.kind()) || self.syn.strings.contains(&v.kind())
        };
        self.every_occurrence(scope, self.text(o), |x, _| {
            if let Some(v) = self.assigned_value(x) {
                return sequence(v);
            }
            let object = x.parent().is_some_and(|p| {
                p.kind() == "member_expression"
                    && p.child_by_field_name("object")
                        .is_some_and(|b| b.id() == x.id())
            });
            object || self.read_as_value(x)
        })
    }

    /// Whether `id` is a variable its function declares as a number or a boolean (`int id`,
    /// `id int64`, `long n, m`): the compiler keeps syntax out of it, whatever it is given.
    /// Not when a call makes a character of it (`%c`, `Character.toString`), which may be
    /// a quote. A function's bindings are found once ([`Flow::number_bindings`]).
    fn number_typed(&self, id: Node<'a>) -> bool {
        if self.syn.typed_declarations.is_empty() || self.makes_a_character(id) {
            return false;
        }
        // Only the innermost function: a name it does not declare is a field, a global or
        // a closure's, declared where this walk cannot tell which binding is meant.
        let Some(f) = self.scopes(id).first().map(|s| s.node) else {
            return false;
        };
        if !self.numbers.borrow().contains_key(&f.id()) {
            let bindings = self.number_bindings(f);
            self.numbers.borrow_mut().insert(f.id(), bindings);
        }
        let in_force = |f: Node<'a>| {
            let numbers = self.numbers.borrow();
            let spans = numbers.get(&f.id()).and_then(|b| b.get(self.text(id)));
            // A declaration in an inner block that has ended (`{ int sort = …; }`) leaves
            // the name to the field or the global it hid.
            spans.map(|s| {
                s.as_ref().map(|s| {
                    s.iter()
                        .any(|&(from, to)| from < id.start_byte() && id.end_byte() <= to)
                })
            })
        };
        match in_force(f) {
            Some(Some(true)) => true,
            // Declared nowhere in force here, by no enclosing function either: a field.
            Some(Some(false)) => {
                let outer = self.scopes(id);
                let unbound = outer
                    .iter()
                    .skip(1)
                    .filter(|s| s.parent.is_some())
                    .all(|s| {
                        if !self.numbers.borrow().contains_key(&s.node.id()) {
                            let bindings = self.number_bindings(s.node);
                            self.numbers.borrow_mut().insert(s.node.id(), bindings);
                        }
                        in_force(s.node) == Some(Some(false))
                    });
                unbound && self.number_field(id, self.text(id))
            }
            _ => false,
        }
    }

    /// Whether the field `name` that code at `at` reads (a bare name, `this.name`) is
    /// declared a number (Java's `private int limit;`): by the innermost class around
    /// `at` that declares it, unless a class on the way extends another, whose fields
    /// are not in view (an anonymous class always does).
    fn number_field(&self, at: Node<'a>, name: &str) -> bool {
        if self.syn.number_fields.is_empty() {
            return false;
        }
        let mut classes = Vec::new();
        let mut cur = self.root;
        while cur.id() != at.id() {
            if !self.spend() {
                return false;
            }
            let Some(next) = cur.child_with_descendant(at) else {
                break;
            };
            // A record's components, an enum's or an interface's fields: not read here.
            if matches!(
                next.kind(),
                "record_declaration" | "enum_declaration" | "interface_declaration"
            ) {
                return false;
            }
            if let Some(body) = named_children(next).find(|c| c.kind() == "class_body") {
                let extends = next.kind() == "object_creation_expression"
                    || next.child_by_field_name("superclass").is_some();
                classes.push((body, extends));
            }
            cur = next;
        }
        for (body, extends) in classes.into_iter().rev() {
            let mut declared: Option<bool> = None;
            for field in named_children(body).filter(|m| self.syn.number_fields.contains(&m.kind()))
            {
                let number = field.child_by_field_name("type").is_some_and(|ty| {
                    self.text(ty)
                        .split_whitespace()
                        .all(|w| self.syn.number_types.contains(&w))
                });
                let mut cursor = field.walk();
                for d in field.children_by_field_name("declarator", &mut cursor) {
                    if d.child_by_field_name("name")
                        .is_some_and(|n| self.text(n) == name)
                    {
                        let plain = d.child_by_field_name("dimensions").is_none();
                        declared = Some(declared.unwrap_or(true) && number && plain);
                    }
                }
            }
            if let Some(number) = declared {
                return number;
            }
            if extends {
                return false;
            }
        }
        false
    }

    /// For each name in function `f` (nested functions too) whose every occurrence is a
    /// declaration of it as a number in `f` itself, or a use in an expression: where each
    /// declaration is in force (from the declaration to its block's end, as byte offsets).
    /// A name that appears anywhere else (a `for (String n : …)`, a lambda's or a pattern's
    /// binding, Go's `n := …`, a nested prototype's parameter) may bind another variable:
    /// `None`, not known. One walk of `f` answers every name; too long a function answers
    /// none.
    fn number_bindings(&self, f: Node<'a>) -> Bindings {
        let mut names: Bindings = HashMap::new();
        for step in self.walk(f, false) {
            let Some((x, _)) = step else {
                return HashMap::new();
            };
            if !self.syn.identifiers.contains(&x.kind()) {
                continue;
            }
            let entry = names
                .entry(self.text(x).to_owned())
                .or_insert_with(|| Some(Vec::new()));
            let Some(scopes) = entry else {
                continue;
            };
            let binding = x
                .parent()
                .and_then(|p| match self.number_binding(f, x, p)? {
                    Some(block) => Some(Some((x.start_byte(), block.end_byte()))),
                    None if self.in_expression(p) => Some(None),
                    None => None,
                });
            match binding {
                Some(Some(span)) => scopes.push(span),
                Some(None) => {}
                None => *entry = None,
            }
        }
        names
    }

    /// What identifier `x` (under `parent`) is: `Some(None)` if no declaration's name,
    /// `Some(Some(block))` the name of a plain number a declaration of `f` binds for the
    /// rest of `block`, `None` any other declaration's name.
    fn number_binding(
        &self,
        f: Node<'a>,
        x: Node<'a>,
        parent: Node<'a>,
    ) -> Option<Option<Node<'a>>> {
        // Go's `for i := range ids`: an index while `ids` is a list, an array or text (a
        // map's key may be text). With `=`, the compiler holds `i` to an integer type.
        let clause = parent.parent().filter(|c| c.kind() == "range_clause");
        if let Some(clause) = clause.filter(|_| parent.kind() == "expression_list") {
            let right = clause.child_by_field_name("right")?;
            let index = clause
                .child_by_field_name("left")
                .is_some_and(|l| l.id() == parent.id())
                && parent.named_child(0).is_some_and(|i| i.id() == x.id())
                && self.go_sequence(f, right);
            if index {
                return Some(Some(clause.parent()?));
            }
        }
        // Java's `n = 1` and C's `n = 1` declarators hold the name for their declaration.
        let (decl, holder) = match parent.kind() {
            "variable_declarator" | "init_declarator" => (parent.parent()?, parent),
            _ => (parent, parent),
        };
        let named = ["name", "declarator"].iter().any(|field| {
            let mut cursor = holder.walk();
            let is_x = holder
                .children_by_field_name(field, &mut cursor)
                .any(|n| n.id() == x.id());
            is_x
        });
        if !named {
            return Some(None);
        }
        if !self.syn.typed_declarations.contains(&decl.kind()) {
            return None;
        }
        // A parameter must be one of `f`'s own (C's sit under its function declarator),
        // not one of a function type's or a prototype's inside it.
        if decl.kind().contains("parameter") {
            let owner = decl.parent().and_then(|list| list.parent());
            let own = owner.is_some_and(|o| {
                o.id() == f.id()
                    || (o.kind() == "function_declarator"
                        && o.parent().is_some_and(|d| d.id() == f.id()))
            });
            if !own {
                return None;
            }
        }
        let number = decl.child_by_field_name("type").is_some_and(|ty| {
            self.text(ty)
                .split_whitespace()
                .all(|w| self.syn.number_types.contains(&w))
        });
        let dimensions = holder.child_by_field_name("dimensions").is_some()
            || decl.child_by_field_name("dimensions").is_some();
        if !number || dimensions {
            return None;
        }
        // A parameter is in force in the whole function; a local to its block's end.
        if decl.kind().contains("parameter") {
            return Some(Some(f));
        }
        let mut block = decl.parent()?;
        while !(block.kind().contains("block")
            || matches!(
                block.kind(),
                "compound_statement"
                    | "for_statement"
                    | "expression_case"
                    | "type_case"
                    | "communication_case"
                    | "default_case"
            )
            || block.id() == f.id())
        {
            block = block.parent()?;
        }
        Some(Some(block))
    }

    /// Whether Go's `range` over `r` hands out indexes: `r` is a number (`range 10`,
    /// `range len(x)`), text, or a variable that `f` declares only as a list, an array or
    /// text (`ids []int64`, `p := make([]string, n)`, `q := []string{…}`, `ids :=
    /// strings.Split(s, ",")`).
    fn go_sequence(&self, f: Node<'a>, r: Node<'a>) -> bool {
        let r = self.unwrap(r);
        let listed = |t: Node<'a>| {
            matches!(t.kind(), "slice_type" | "array_type") || self.text(t) == "string"
        };
        let made = |v: Node<'a>| {
            let v = self.unwrap(v);
            (v.kind() == "composite_literal" && v.child_by_field_name("type").is_some_and(listed))
                || (self.syn.calls.contains(&v.kind())
                    && callee(v).is_some_and(|c| self.text(c) == "make")
                    && v.child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0))
                        .is_some_and(listed))
                || self.syn.strings.contains(&v.kind())
                || (self.syn.calls.contains(&v.kind())
                    && callee(v).is_some_and(|c| GO_SLICE_MAKERS.contains(&self.text(c))))
        };
        if self.syn.literals.contains(&r.kind()) || self.numeric_call(r) || made(r) {
            return true;
        }
        if !self.syn.identifiers.contains(&r.kind()) {
            return false;
        }
        let name = self.text(r);
        let mut declared = false;
        for step in self.walk(f, false) {
            let Some((x, _)) = step else {
                return false;
            };
            if !self.syn.identifiers.contains(&x.kind()) || self.text(x) != name {
                continue;
            }
            let Some(p) = x.parent() else {
                return false;
            };
            let sequence = match p.kind() {
                "variadic_parameter_declaration" => true,
                "parameter_declaration" | "var_spec" => match p.child_by_field_name("type") {
                    Some(t) => listed(t),
                    None => p.child_by_field_name("value").is_some_and(|v| {
                        v.named_child_count() == 1 && v.named_child(0).is_some_and(made)
                    }),
                },
                "expression_list" => {
                    let Some(decl) = p.parent() else {
                        return false;
                    };
                    // `for _, ids := range rows`, `case ids := <-ch`, `switch ids := x.(type)`:
                    // another type.
                    if matches!(
                        decl.kind(),
                        "range_clause" | "receive_statement" | "type_switch_statement"
                    ) {
                        return false;
                    }
                    if decl.kind() != "short_var_declaration" {
                        continue;
                    }
                    if decl
                        .child_by_field_name("left")
                        .is_none_or(|l| l.id() != p.id())
                    {
                        continue;
                    }
                    let at = named_children(p).position(|t| t.id() == x.id());
                    let value = decl
                        .child_by_field_name("right")
                        .and_then(|r| named_children(r).nth(at?));
                    value.is_some_and(made)
                }
                _ => continue,
            };
            if !sequence {
                return false;
            }
            declared = true;
        }
        declared
    }

    /// Whether an identifier under `parent` is read or assigned in an expression (an
    /// operand, an argument, a value, an index), where it names a variable declared before.
    fn in_expression(&self, parent: Node<'a>) -> bool {
        // Besides [`OPERAND_PARENTS`]: changes a number can only take as a number
        // (`n++`, `n = m`), indexes, casts, Go's composite literals and C's commas.
        const USES: [&str; 14] = [
            "update_expression",
            "unary_expression",
            "assignment_expression",
            "array_access",
            "subscript_expression",
            "index_expression",
            "slice_expression",
            "cast_expression",
            "inc_statement",
            "dec_statement",
            "keyed_element",
            "literal_element",
            "comma_expression",
            "condition_clause",
        ];
        match parent.kind() {
            // A declarator's value (`int k = n`): its name was ruled out before.
            "variable_declarator" | "init_declarator" => true,
            // Go: an operand list is a use where it is returned or assigned, not where
            // `:=`, `range` or a type switch binds it.
            "expression_list" => parent
                .parent()
                .is_some_and(|g| matches!(g.kind(), "return_statement" | "assignment_statement")),
            kind => OPERAND_PARENTS.contains(&kind) || USES.contains(&kind),
        }
    }

    /// Whether `id` is an argument of a call that makes a character of a number: a format
    /// with `%c` or Go's `%q`, or a code-point conversion (`Character.toString(code)`).
    fn makes_a_character(&self, id: Node<'a>) -> bool {
        let mut n = id;
        for _ in 0..4 {
            let Some(p) = n.parent() else {
                return false;
            };
            n = p;
            if !self.syn.calls.contains(&n.kind()) {
                continue;
            }
            let Some(args) = n.child_by_field_name("arguments") else {
                return false;
            };
            // The call up to its arguments: Java keeps the receiver beside the name.
            let head = self
                .src
                .get(n.start_byte()..args.start_byte())
                .unwrap_or("");
            let name = last_segment(head.trim_end_matches(['(', ' ']));
            if head.contains("Character")
                || matches!(
                    name,
                    "fromCharCode" | "fromCodePoint" | "chr" | "toChars" | "appendCodePoint"
                )
            {
                return true;
            }
            // The format, where it is written: an argument or the receiver
            // (`"…".formatted(code)`).
            let receiver = callee(n).and_then(|f| receiver(n, f));
            let literals: Vec<Node<'a>> = named_children(args)
                .chain(receiver)
                .filter(|x| self.syn.strings.contains(&x.kind()))
                .collect();
            let formats = self.syn.format_fns.contains(&name)
                || self.syn.writers.contains(&name)
                || name.ends_with("printf")
                || name == "formatted";
            // A format held elsewhere (`String.format(FMT, code)`, a macro, a variable, a
            // concatenation) may say `%c`: not known.
            return (formats && literals.is_empty())
                || literals.iter().any(|x| char_conversion(self.text(*x)));
        }
        false
    }

    /// Whether an identifier under `n` is `name`.
    fn reads_name(&self, n: Node<'_>, name: &str) -> bool {
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if self.syn.identifiers.contains(&x.kind()) && self.text(x) == name {
                return true;
            }
            stack.extend(named_children(x));
        }
        false
    }

    /// A call whose result is a number or boolean, whatever its input.
    fn numeric_call(&self, n: Node<'_>) -> bool {
        callee(n).is_some_and(|f| {
            let text = self.text(f);
            self.syn.numeric.contains(&last_segment(text)) || self.syn.numeric.contains(&text)
        })
    }

    fn identifier_constant(&self, n: Node<'a>, depth: u8) -> bool {
        let name = self.text(n);
        let bare = name.trim_start_matches('$');
        if self.syn.caps_are_constants
            && bare.len() > 1
            && bare
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && bare.chars().any(|c| c.is_ascii_uppercase())
        {
            return true;
        }
        if self.number_typed(n) {
            return true;
        }
        let defs = self.definitions(n);
        let given_constants = if defs.is_empty() {
            self.map_index(n) || self.loop_element_constant(n, depth)
        } else {
            defs.iter().all(|d| self.def_constant(d, depth + 1))
                && (defs.iter().all(|d| d.arguments.is_none()) || self.appends_only(n, depth + 1))
        };
        let elements_constant = || {
            self.element_writes(n)
                .iter()
                .all(|v| self.constant_at(*v, depth + 1))
        };
        // A list may be filled through its methods, or a call given it, too.
        let list = defs.iter().any(|d| self.makes_a_list(d.value));
        let filled_plainly = || !list || self.list_only_filled(n, depth);
        (given_constants && elements_constant() && filled_plainly())
            || self.checked_against_constants(n)
    }

    /// Whether `v` makes a list, map, set or other object whose contents its methods, or a
    /// call given it, may change in place ([`Flow::list_only_filled`]).
    fn makes_a_list(&self, v: Node<'a>) -> bool {
        let v = self.unwrap(v);
        if self.syn.arrays.contains(&v.kind()) || LIST_KINDS.contains(&v.kind()) {
            return true;
        }
        callee(v).is_some_and(|f| {
            let name = self.text(f);
            name == "make"
                || self.syn.builders.contains(&name)
                || LIST_MAKERS.contains(&last_segment(name))
        })
    }

    /// Whether `id`'s list, map or builder changes only in ways this module follows,
    /// everywhere in the scope that defines it, nested functions included: its own
    /// assignments and appends (its definitions), element writes ([`Flow::element_writes`]),
    /// and otherwise reads that leave it as it is ([`Flow::leaves_list`]). Anything else may
    /// put any value in it: `cols.splice(0, 1, x)`, `cols.insert(0, x)`,
    /// `Collections.addAll(cols, x)`, `Arrays.fill(cols, x)`, the snippet's own `add(cols,
    /// x)`, Go's `json.Unmarshal(b, &l)` or `copy(l, src)`.
    fn list_only_filled(&self, id: Node<'a>, depth: u8) -> bool {
        let scopes = self.scopes(id);
        let Some((scope, _)) = self.defining_scope(id, &scopes) else {
            return false;
        };
        self.every_occurrence(scope, self.text(id), |x, nested| {
            // The definitions read at `id` are those before it in its own function. A
            // closure's write, or one after `id` that a loop runs before it again, is
            // checked here.
            let unseen = nested || x.start_byte() > id.start_byte();
            self.leaves_list(x) && (!unseen || self.writes_constants(x, depth))
        })
    }

    /// Whether what the occurrence `x` writes into its list, if it writes, is constant: an
    /// assignment's value, an append's arguments, what Ruby's `l << a << b` appends.
    /// (Element writes are [`Flow::element_writes`]'s, wherever they are.)
    fn writes_constants(&self, x: Node<'a>, depth: u8) -> bool {
        if let Some((_, _, value)) = self
            .assignment_around(x)
            .filter(|_| self.assignment_target(x))
        {
            return self.constant_at(value, depth + 1);
        }
        if let Some(call) = self.method_call_on(x) {
            let method = callee(call).map_or("", |f| last_segment(self.text(f)));
            if self.syn.appenders.contains(&method) {
                return self.arguments_constant(call, depth + 1);
            }
        }
        let mut left = x;
        while let Some(b) = left.parent().filter(|b| self.shovels(*b, left)) {
            if !b
                .named_child(1)
                .is_some_and(|r| self.constant_at(r, depth + 1))
            {
                return false;
            }
            left = b;
        }
        true
    }

    /// Whether `b` is Ruby's `left << x`, which appends `x` to `left` in place.
    fn shovels(&self, b: Node<'a>, left: Node<'a>) -> bool {
        b.kind() == "binary"
            && b.named_child(0).is_some_and(|l| l.id() == left.id())
            && b.named_child(1)
                .is_some_and(|r| self.operator_between(left, r)[..] == ["<<"])
    }

    /// Whether the occurrence `x` of a list's name gives it a value (its assignments and
    /// appends, checked by [`Flow::list_only_filled`] and the definitions), or reads it
    /// and leaves it as it is: a method of [`LIST_READERS`] whose result and callback
    /// cannot reach the list, an element read for its value, its `length`, an operand that
    /// is not the result (`l || []` is `l`), what a loop walks, a condition, a membership
    /// test, an argument of a call that only reads it ([`Flow::read_by_call`]).
    fn leaves_list(&self, x: Node<'a>) -> bool {
        let Some(p) = x.parent() else {
            return false;
        };
        if self.assignment_target(x) {
            return true;
        }
        let field_is_x = |f: &str| p.child_by_field_name(f).is_some_and(|c| c.id() == x.id());
        // The member of another object (`self.cols`), or a keyword argument's name.
        let not_the_variable = ["attribute", "property", "field"]
            .iter()
            .any(|f| field_is_x(f))
            || (p.kind() == "keyword_argument" && field_is_x("name"));
        if not_the_variable {
            return true;
        }
        // Ruby's strings change in place (`l[0] << x`, `l.each { |c| c << x }`): there,
        // nothing that hands out an element is a read.
        let shared = self.syn.identifiers.contains(&"instance_variable");
        let first_child = p.named_child(0).is_some_and(|c| c.id() == x.id());
        if element_kind(p.kind()) && first_child {
            // Go's `&l[0]` writes through a pointer later; `g[0].push(x)` changes an
            // element in place.
            let address = p.parent().is_some_and(|q| {
                q.named_child_count() == 1 && q.child(0).is_some_and(|op| self.text(op) == "&")
            });
            let element_written = self.assignment_target(p)
                || p.parent().is_some_and(|q| {
                    element_kind(q.kind()) && q.named_child(0).is_some_and(|c| c.id() == p.id())
                });
            if shared {
                return self.assignment_target(p);
            }
            return !address && (element_written || self.read_as_value(p));
        }
        // What a loop walks.
        let walked = self.walked_by(p).is_some_and(|w| w.id() == x.id());
        // A condition: `if clauses`, `"…" if clauses else "1=1"`, `not clauses` (not a
        // conditional's value, which another name may then hold).
        let negated = p.named_child_count() == 1
            && p.child(0)
                .is_some_and(|op| matches!(self.text(op), "!" | "not"));
        let condition = field_is_x("condition")
            || negated
            || (p.kind() == "conditional_expression"
                && p.child_by_field_name("condition").is_none()
                && p.named_child(1).is_some_and(|c| c.id() == x.id()));
        if walked || condition || self.tested_for_membership(x) {
            return true;
        }
        if self.looked_up(x) && !shared {
            return true;
        }
        // An operand whose result is not the list itself (`l || []`, `l ?? d`, `l and m`
        // are `l`). Ruby's `l << v` appends to it ([`Flow::writes_constants`] checks what).
        if self.syn.binaries.contains(&p.kind()) {
            let (Some(l), Some(r)) = (p.named_child(0), p.named_child(1)) else {
                return false;
            };
            return match self.operator_between(l, r)[..] {
                ["||"] | ["&&"] | ["??"] | ["or"] | ["and"] => false,
                // `l << v` appends to `l`; `m << l` puts `l` itself in `m`.
                ["<<"] => first_child,
                _ => true,
            };
        }
        if matches!(
            p.kind(),
            "spread_element" | "list_splat" | "interpolation" | "template_substitution"
        ) {
            return true;
        }
        // A method called on it (Java and Ruby keep the receiver on the call itself), or a
        // property read (`l.length`).
        let object = field_is_x("object") || field_is_x("operand") || field_is_x("receiver");
        if let Some(call) = self.method_call_on(x).filter(|_| object) {
            return self.reading_method(call, shared);
        }
        if object {
            let property = ["property", "attribute", "field"]
                .iter()
                .find_map(|f| p.child_by_field_name(f))
                .map(|f| self.text(f));
            return matches!(property, Some("length" | "size")) && self.read_as_value(p);
        }
        self.read_by_call(x, p)
    }

    /// Whether the method `call` on a list leaves it as it was: an appender (what it
    /// appends is checked elsewhere), or one of [`LIST_READERS`] (Ruby's: blockless
    /// [`RUBY_LIST_READERS`]), where one that returns the list itself (`sort`,
    /// `reverse`) is a statement of its own, and a callback takes no third parameter
    /// (JavaScript hands it the list: `forEach((v, i, a) => a[i] = x)`).
    fn reading_method(&self, call: Node<'a>, shared: bool) -> bool {
        let method = callee(call).map_or("", |f| last_segment(self.text(f)));
        if self.syn.appenders.contains(&method) {
            return true;
        }
        if shared {
            let block = call.child_by_field_name("block").is_some();
            return RUBY_LIST_READERS.contains(&method) && !block;
        }
        if !LIST_READERS.contains(&method) {
            return false;
        }
        if matches!(method, "sort" | "reverse") {
            return call
                .parent()
                .is_some_and(|s| s.kind() == "expression_statement");
        }
        let callback_takes_list = call
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .map(|f| self.unwrap(f))
            .filter(|f| self.syn.functions.contains(&f.kind()))
            .and_then(|f| self.params_node(f))
            .is_some_and(|ps| {
                let limit = if method == "reduce" { 4 } else { 3 };
                named_children(ps).count() >= limit
            });
        !callback_takes_list
    }

    /// Whether `x`, an argument (`p` its argument list or PHP's wrapper), is given to a
    /// call that only reads it.
    fn read_by_call(&self, x: Node<'a>, p: Node<'a>) -> bool {
        let list = if p.kind() == "argument" {
            p.parent()
        } else {
            Some(p)
        };
        let Some(call) = list
            .filter(|l| matches!(l.kind(), "argument_list" | "arguments"))
            .and_then(|l| l.parent())
        else {
            return false;
        };
        let Some(func) = callee(call).map(|f| self.text(f)) else {
            return false;
        };
        if !self.syn.builders.is_empty() {
            // `l = append(l, …)`; another name for the result shares `l`'s memory.
            let own = || {
                let mut q = call.parent();
                if q.is_some_and(|q| q.kind() == "expression_list") {
                    q = q.and_then(|q| q.parent());
                }
                q.and_then(|q| q.child_by_field_name("left"))
                    .is_some_and(|l| self.text(l) == self.text(x))
            };
            let first = p.named_child(0).is_some_and(|c| c.id() == x.id());
            return (self.syn.builders.contains(&func) && first && own())
                || matches!(func, "len" | "cap")
                || func.starts_with("strings.")
                || matches!(
                    func,
                    "fmt.Sprintf" | "fmt.Sprint" | "fmt.Sprintln" | "fmt.Errorf"
                );
        }
        // Built-ins by their bare name (`set(l)`, not `Reflect.set(l, 0, x)`); library
        // functions and copying constructors (`new ArrayList<>(l)`) by their last part.
        let name = last_segment(func.split('<').next().unwrap_or(func));
        LIST_READING_BUILTINS.contains(&func)
            || LIST_READING_CALLS.contains(&name)
            || self.syn.format_fns.contains(&name)
            || self.syn.numeric.contains(&name)
    }

    /// The values written into elements of `id`'s variable (`p[0] = v`, `p[i] += v`)
    /// anywhere in the scope that defines it, nested functions included: what it holds
    /// besides what it was given. Most variables have none, which is found once per scope
    /// and name.
    fn element_writes(&self, id: Node<'a>) -> Vec<Node<'a>> {
        let name = self.text(id);
        let scopes = self.scopes(id);
        let scope = self
            .defining_scope(id, &scopes)
            .map(|(s, _)| s)
            .or_else(|| scopes.first().map(|s| s.node));
        let Some(scope) = scope else {
            return Vec::new();
        };
        let key = (scope.id(), name.to_owned());
        if self.writes.borrow().get(&key) == Some(&false) {
            return Vec::new();
        }
        let mut values = Vec::new();
        for step in self.walk(scope, false) {
            let Some((x, _)) = step else {
                // Unknown: a value nothing is constant against.
                values = vec![scope];
                break;
            };
            // Ruby's `l[0] = x` too, though its element reads are not constants.
            let names_it = element_kind(x.kind())
                && x.named_child(0)
                    .is_some_and(|c| self.text(self.unwrap(c)) == name);
            if !names_it {
                continue;
            }
            // `g[0][0] = x` writes into `g` too.
            let mut x = x;
            while let Some(outer) = x.parent().filter(|o| {
                element_kind(o.kind()) && o.named_child(0).is_some_and(|c| c.id() == x.id())
            }) {
                x = outer;
            }
            if let Some((target, l, r)) = self.assignment_around(x) {
                if l.id() == target.id() {
                    // Go's `p[i], q[i] = a, b`: each value at its target's place.
                    let at = named_children(l).position(|t| t.id() == x.id());
                    let value = match (r.kind(), at) {
                        ("expression_list", Some(k)) => named_children(r).nth(k),
                        _ => Some(r),
                    };
                    values.push(value.unwrap_or(r));
                }
            }
        }
        self.writes.borrow_mut().insert(key, !values.is_empty());
        values
    }

    /// Whether what `d` gives its variable is built only from literals: appending
    /// constants (`clauses.append("name = %s")`) keeps a constant list constant.
    fn def_constant(&self, d: &Def<'a>, depth: u8) -> bool {
        d.given().all(|v| self.constant_at(v, depth))
    }

    /// The two values a conditional expression may take: its branches, or its condition
    /// where it has no branch for a true one (PHP's `$a ?: "x"`); `None` if one is
    /// missing. Python's `a if c else b` has no field names: its second child is the
    /// condition.
    fn branches(&self, n: Node<'a>) -> Option<[Node<'a>; 2]> {
        if let Some(c) = n.child_by_field_name("condition") {
            let truthy = n
                .child_by_field_name("consequence")
                .or_else(|| n.child_by_field_name("body"))
                .unwrap_or(c);
            return Some([truthy, n.child_by_field_name("alternative")?]);
        }
        // Comments are named children too.
        let mut parts = named_children(n).filter(|c| c.kind() != "comment");
        let (first, _, last) = (parts.next()?, parts.next()?, parts.next()?);
        Some([first, last])
    }

    /// Whether `c` is a literal list, tuple, array or map of plain constants (strings and
    /// numbers, which no reader can change), or a variable that is only ever given such a
    /// literal and otherwise only read by index or by `get` ([`Flow::literal_table`]).
    fn constant_collection(&self, c: Node<'a>) -> bool {
        let c = self.unwrap(c);
        // Ruby's `SORTS = %w[a b].freeze` is a `constant`.
        if self.syn.identifiers.contains(&c.kind()) || c.kind() == "constant" {
            return self.literal_table(c);
        }
        self.literal_collection(c)
    }

    /// A literal list, tuple, array or map whose every value is a plain constant.
    fn literal_collection(&self, c: Node<'a>) -> bool {
        let c = self.unwrap(c);
        let scalar = |v: Node<'a>| {
            let v = self.unwrap(v);
            self.syn.literals.contains(&v.kind())
                || (self.syn.strings.contains(&v.kind()) && !self.has_interpolation(v))
        };
        let kind = c.kind();
        if matches!(kind, "dictionary" | "object" | "hash") {
            // Keys too: a membership test reads them (`"k" in T`).
            let key = |k: Node<'a>| {
                matches!(k.kind(), "property_identifier" | "hash_key_symbol") || scalar(k)
            };
            return named_children(c).all(|p| {
                p.kind() == "pair"
                    && p.child_by_field_name("key").is_some_and(key)
                    && p.child_by_field_name("value").is_some_and(scalar)
            });
        }
        if self.syn.calls.contains(&kind) {
            // `new Set(["a", "b"])`, `Set.of("a", "b")`, `frozenset({"a"})`, Ruby's
            // `%w[a b].freeze`: made from constants alone, by a maker that adds nothing.
            let Some(func) = callee(c) else {
                return false;
            };
            let args: Vec<Node<'a>> = c
                .child_by_field_name("arguments")
                .map(|a| {
                    named_children(a)
                        .filter(|k| k.kind() != "comment")
                        .collect()
                })
                .unwrap_or_default();
            return match last_segment(self.text(func)) {
                "freeze" => {
                    args.is_empty() && receiver(c, func).is_some_and(|r| self.literal_collection(r))
                }
                "Set" | "set" | "frozenset" | "tuple" | "of" | "asList" => {
                    args.iter().all(|a| scalar(*a))
                        || matches!(args[..], [a] if self.literal_collection(a))
                }
                _ => false,
            };
        }
        if kind == "string_array" {
            // Ruby's `%w[a b]`.
            return named_children(c).all(|w| {
                w.kind() == "bare_string" && named_children(w).all(|p| p.kind() == "string_content")
            });
        }
        if kind == "composite_literal" {
            // Go's `[]string{"a", "b"}`, `map[string]bool{"k": true}`: keys and values.
            return c.child_by_field_name("body").is_some_and(|body| {
                named_children(body).all(|e| {
                    // A key and a value, or a value; each may be wrapped.
                    let part = |v: Node<'a>| {
                        if v.kind() == "literal_element" {
                            v.named_child(0).is_some_and(scalar)
                        } else {
                            scalar(v)
                        }
                    };
                    match e.kind() {
                        "literal_element" => part(e),
                        "keyed_element" => e.named_child_count() > 0 && named_children(e).all(part),
                        _ => false,
                    }
                })
            });
        }
        // PHP's `['k' => 'v']` holds an initializer per element, with its key if any.
        let element = |x: Node<'a>| {
            if x.kind() == "array_element_initializer" {
                x.named_child_count() > 0 && named_children(x).all(scalar)
            } else {
                scalar(x)
            }
        };
        (self.syn.arrays.contains(&kind) || kind == "set")
            && named_children(c)
                .filter(|x| !x.kind().contains("type") && !x.kind().contains("dimensions"))
                .all(element)
    }

    /// Whether every occurrence of the variable `c` names, in the scope that defines it
    /// (nested functions too), is a plain assignment of a [`Flow::literal_collection`]
    /// or a read of one of its elements (`T[k]` as a value, `T.get(k)`): then no element
    /// is ever anything but a constant. Anything else may change it (`T[k] = x`, `T |=
    /// x`, `T = req.body` in a closure, `[T[k]] = …`, `&T[0]`, `f(T)`, `{ T } = …`).
    /// Walked once per scope and name.
    fn literal_table(&self, c: Node<'a>) -> bool {
        let name = self.text(c);
        let scopes = self.scopes(c);
        let Some((scope, _)) = self.defining_scope(c, &scopes) else {
            return false;
        };
        let key = (scope.id(), name.to_owned());
        if let Some(&known) = self.tables.borrow().get(&key) {
            return known;
        }
        let known = self.only_literal_table(scope, name);
        self.tables.borrow_mut().insert(key, known);
        known
    }

    fn only_literal_table(&self, scope: Node<'a>, name: &str) -> bool {
        if name.starts_with('$') && self.php_aliases() {
            return false;
        }
        let mut assigned = false;
        for step in self.walk(scope, false) {
            let Some((x, _)) = step else {
                return false;
            };
            // Every kind of name: JavaScript's `{ T } = …` binds through a shorthand, PHP's
            // are variable names.
            let a_name = x.kind().contains("identifier")
                || self.syn.identifiers.contains(&x.kind())
                || x.kind() == "constant";
            if !a_name || self.text(x) != name {
                continue;
            }
            // TypeScript's `typeof T[number]` is a type, read by the compiler alone.
            if x.parent().is_some_and(|p| p.kind() == "type_query") {
                continue;
            }
            if let Some(value) = self.assigned_value(x) {
                if !self.literal_collection(value) {
                    return false;
                }
                assigned = true;
                continue;
            }
            let Some(p) = x.parent() else {
                return false;
            };
            let element_read = SUBSCRIPTS.contains(&p.kind())
                && p.named_child(0).is_some_and(|c| c.id() == x.id())
                && self.read_as_value(p);
            if !(element_read || self.looked_up(x) || self.tested_for_membership(x)) {
                return false;
            }
        }
        assigned
    }

    /// What a plain `=` (or Go's `:=`) assigns to `x` alone, if `x` is its target.
    fn assigned_value(&self, x: Node<'a>) -> Option<Node<'a>> {
        let (target, l, r) = self.assignment_around(x)?;
        let op = self.assignment_operator(l, r);
        let plain = matches!(op, "=" | ":=" | "");
        (plain && l.id() == target.id() && named_children(l).count() <= 1).then_some(r)
    }

    /// The operator between an assignment's sides (`=`, `+=`, `:=`), past a type between
    /// them (TypeScript's `T: string[] = …`, Go's `var t []string = …`).
    fn assignment_operator(&self, l: Node<'_>, r: Node<'_>) -> &'a str {
        let from = l
            .parent()
            .and_then(|p| p.child_by_field_name("type"))
            .filter(|t| t.start_byte() >= l.end_byte() && t.end_byte() <= r.start_byte())
            .map_or(l.end_byte(), |t| t.end_byte());
        self.src.get(from..r.start_byte()).unwrap_or("").trim()
    }

    /// The assignment right above `x` (Go's through its operand list): what stands for `x`
    /// in it, and its left and right sides.
    fn assignment_around(&self, x: Node<'a>) -> Option<(Node<'a>, Node<'a>, Node<'a>)> {
        let mut p = x.parent()?;
        let mut target = x;
        if p.kind() == "expression_list" {
            target = p;
            p = p.parent()?;
        }
        let (_, left, right) = self
            .syn
            .assignments
            .iter()
            .find(|(k, _, _)| *k == p.kind())?;
        Some((
            target,
            p.child_by_field_name(left)?,
            p.child_by_field_name(right)?,
        ))
    }

    /// Whether expression `e` is read for its value where it stands: an operand, an
    /// argument, a returned or assigned value, an interpolation, a condition, an index.
    /// Not a target (`e = x`, `(e) = x`,
    /// `[e] = …`, `for (e of …)`), not an address (`&e`), not a receiver (`e.append(x)`).
    fn read_as_value(&self, e: Node<'a>) -> bool {
        // Besides [`OPERAND_PARENTS`]: interpolations, keyword arguments, map values.
        const READS: [&str; 6] = [
            "interpolation",
            "template_substitution",
            "keyword_argument",
            "pair",
            "encapsed_string",
            "comparison_operator",
        ];
        let Some(p) = e.parent() else {
            return false;
        };
        // `(x) = …` and TypeScript's `(x as any) = …` assign `x`: read as what wraps it.
        if p.kind() == "parenthesized_expression" || ASSERTIONS.contains(&p.kind()) {
            return self.read_as_value(p);
        }
        // An index (`allowed[x]`), not the collection.
        if SUBSCRIPTS.contains(&p.kind()) && p.named_child(0).is_some_and(|c| c.id() != e.id()) {
            return true;
        }
        if self.assigned_value(e).is_some() || self.assignment_target(e) {
            return false;
        }
        if let Some((_, _, right)) = self.syn.assignments.iter().find(|(k, _, _)| *k == p.kind()) {
            return p
                .child_by_field_name(right)
                .is_some_and(|r| r.id() == e.id());
        }
        if p.kind() == "expression_list" {
            return self.read_as_value(p);
        }
        // A condition, and what `!` or `not` negates (not what `&` takes the address of).
        let negated = p.named_child_count() == 1
            && p.child(0)
                .is_some_and(|op| matches!(self.text(op), "!" | "not"));
        let condition = p
            .child_by_field_name("condition")
            .is_some_and(|c| c.id() == e.id());
        // PHP's `argument`, a cast: what they wrap is read as they are.
        let wrapped = || self.syn.wrappers.contains(&p.kind()) && self.read_as_value(p);
        negated
            || condition
            || OPERAND_PARENTS.contains(&p.kind())
            || READS.contains(&p.kind())
            || wrapped()
    }

    /// Whether `x` is the map a `get` call reads for a value (`T.get(k)`).
    fn looked_up(&self, x: Node<'a>) -> bool {
        self.method_call_on(x).is_some_and(|c| {
            callee(c).is_some_and(|f| last_segment(self.text(f)) == "get") && self.read_as_value(c)
        })
    }

    /// The method call whose receiver is `x` (`x.f(…)`): the call itself holds it in Java
    /// and Ruby, a member access under the call elsewhere.
    fn method_call_on(&self, x: Node<'a>) -> Option<Node<'a>> {
        let p = x.parent()?;
        let call = if self.syn.calls.contains(&p.kind()) {
            p
        } else {
            p.parent().filter(|c| self.syn.calls.contains(&c.kind()))?
        };
        receiver_is(call, x).then_some(call)
    }

    /// Whether `x` is what an assignment assigns to (Go's through its operand list).
    fn assignment_target(&self, x: Node<'a>) -> bool {
        self.assignment_around(x)
            .is_some_and(|(target, l, _)| l.id() == target.id())
    }

    /// A call whose result a database driver has quoted, whatever it is given: psycopg's
    /// `sql.Identifier(col)`, Go pq's `pq.QuoteIdentifier`. Named with their package, as
    /// written: a bare `Literal` or `escapeId` may be another library's, or land in HTML.
    fn sql_quoting_call(&self, n: Node<'_>) -> bool {
        callee(n).is_some_and(|f| {
            let text = self.text(f);
            SQL_QUOTERS
                .iter()
                .any(|q| text == *q || text.strip_suffix(q).is_some_and(|head| head.ends_with('.')))
        })
    }

    /// `{"asc": "ASC", "desc": "DESC"}.get(d, "ASC")`: a value of a literal map of
    /// constants ([`Flow::constant_collection`]), or a constant default.
    fn lookup_of_constants(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(func) = callee(n) else {
            return false;
        };
        last_segment(self.text(func)) == "get"
            && receiver(n, func).is_some_and(|r| self.constant_collection(r))
            && n.child_by_field_name("arguments").is_some_and(|a| {
                named_children(a)
                    .skip(1)
                    .all(|x| self.constant_at(x, depth))
            })
    }

    /// A collection made of one constant however many times, whatever it is made from: a
    /// map whose function returns a constant (`ids.map(() => '?')`, `.map(id -> "?")`,
    /// `map(lambda _: '?', ids)`) or a whole array filled with one (`.fill('?')`). The
    /// placeholder lists of `IN (?, ?, ?)` queries are made this way.
    fn fills_with_constants(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(func) = callee(n) else {
            return false;
        };
        let Some(args) = n.child_by_field_name("arguments") else {
            return false;
        };
        let mut args = named_children(args);
        match last_segment(self.text(func)) {
            // The function is the first argument (`thisArg` follows it in JavaScript), and
            // its body must not read what it is handed: a parameter named like an outer
            // constant is still the element (JavaScript's index aside, [`Flow::map_index`]).
            "map" => args.next().is_some_and(|a| {
                let a = self.unwrap(a);
                // `(x, i) => …`, Java's `x -> …` (the name is the parameters), JavaScript's
                // `x => …` (under `parameter`).
                let element = a
                    .child_by_field_name("parameters")
                    .and_then(|p| {
                        if self.syn.identifiers.contains(&p.kind()) {
                            Some(p)
                        } else {
                            named_children(p).next()
                        }
                    })
                    .or_else(|| a.child_by_field_name("parameter"))
                    .map(|p| self.text(p));
                self.syn.functions.contains(&a.kind())
                    && a.child_by_field_name("body").is_some_and(|b| {
                        element.is_none_or(|e| !self.reads_name(b, e)) && self.constant_at(b, depth)
                    })
            }),
            // `fill(v, start, end)` keeps what is outside the range.
            "fill" => {
                let first = args.next();
                args.next().is_none() && first.is_some_and(|v| self.constant_at(v, depth))
            }
            _ => false,
        }
    }

    /// Whether `id` is the index JavaScript's `map` hands its function (`ids.map((_, i) =>
    /// …)`): a number. (`arguments` is JavaScript's argument list; Python's `map(f, xs,
    /// ys)` hands an element of `ys` there.)
    fn map_index(&self, id: Node<'a>) -> bool {
        let Some(f) = self.scopes(id).first().map(|s| s.node) else {
            return false;
        };
        let index = f
            .child_by_field_name("parameters")
            .and_then(|p| named_children(p).nth(1))
            .is_some_and(|p| self.text(p) == self.text(id));
        let args = f.parent().filter(|a| a.kind() == "arguments");
        let first = args
            .and_then(|a| a.named_child(0))
            .is_some_and(|a| a.id() == f.id());
        // lodash's `_.map(obj, (v, key) => …)` and jQuery's `$.map` hand a key, and take
        // the function second.
        index
            && first
            && args.and_then(|a| a.parent()).is_some_and(|c| {
                callee(c).is_some_and(|func| {
                    last_segment(self.text(func)) == "map"
                        && receiver(c, func).is_some_and(|r| {
                            !self.text(r).starts_with(['_', '$'])
                                && !self.text(r).starts_with("jQuery")
                        })
                })
            })
    }

    // ----- allow-lists ----------------------------------------------------------------------

    /// Whether `id` holds, where it stands, a member of a literal collection of constants
    /// that a check above it tested it against: after `if (!ALLOWED.includes(col)) throw
    /// …`, inside `if col in ALLOWED:`, in `ALLOWED.has(s) ? s : "id"`. Then it is one of
    /// those constants. The name must be its function's own (a parameter or a local, not
    /// an instance variable another method may set), and only read from the check on
    /// ([`Flow::only_read_from`]): a loop may bring any later write back above it.
    fn checked_against_constants(&self, id: Node<'a>) -> bool {
        if id.kind() == "instance_variable" {
            return false;
        }
        let name = self.text(id);
        let scopes = self.scopes(id);
        let Some(f) = scopes
            .first()
            .filter(|s| s.parent.is_some())
            .map(|s| s.node)
        else {
            return false;
        };
        let own = self
            .param_of_enclosing(id, &scopes)
            .is_some_and(|(s, _)| s.node.id() == f.id())
            || self.declared_in(f, name);
        own && self
            .membership_check(id)
            .is_some_and(|condition| self.only_read_from(f, name, condition))
    }

    /// Whether every occurrence of `name` in `f` from the start of the check's `condition`
    /// on, and in nested functions wherever they are, is read for its value
    /// ([`Flow::read_as_value`]): no assignment, loop variable, destructuring, receiver of
    /// a method that may change it in place (`s << x`), nor an argument PHP's built-ins
    /// write through. No `&name` anywhere in `f` (a pointer writes later), no `goto`, no
    /// PHP aliasing in the snippet ([`Flow::php_aliases`]). Ruby's strings change through
    /// any other name for them, so there only interpolations, the check and the name's own
    /// assignments.
    fn only_read_from(&self, f: Node<'a>, name: &str, condition: Node<'a>) -> bool {
        if name.starts_with('$') && self.php_aliases() {
            return false;
        }
        // Inside the condition too: `!A.includes(x) || !(x = other)`.
        let from = condition.start_byte();
        // Ruby's strings change in place through any other name for them (`clause = s;
        // clause << x`, a helper's parameter): there, only the name's own assignments,
        // interpolations and the check itself.
        let shared = self.syn.identifiers.contains(&"instance_variable");
        let within = |x: Node<'a>| {
            condition.start_byte() <= x.start_byte() && x.end_byte() <= condition.end_byte()
        };
        // `goto` may jump past the check.
        if self.text(f).contains("goto ") {
            return false;
        }
        if self.arguments_rewrite(f, name) {
            return false;
        }
        self.every_occurrence(f, name, |x, nested| {
            let address = x.parent().is_some_and(|p| {
                p.named_child_count() == 1 && p.child(0).is_some_and(|op| self.text(op) == "&")
            });
            // A closure may run after the check wherever it is written.
            let after = nested || x.start_byte() >= from;
            let ruby_read = x
                .parent()
                .is_some_and(|p| p.kind() == "interpolation" || p.kind() == "method_parameters")
                || within(x)
                || self.assigned_value(x).is_some();
            !address
                && (!shared || ruby_read)
                && (!after || (self.read_as_value(x) && !self.php_writes_argument(x)))
        })
    }

    /// Whether JavaScript's `arguments` may rewrite `f`'s parameter `name`: outside strict
    /// mode, `arguments[0] = x` does, and so may a function `arguments` is handed to. Its
    /// length and its elements read for their values change nothing.
    fn arguments_rewrite(&self, f: Node<'a>, name: &str) -> bool {
        let javascript = self.syn.functions.contains(&"arrow_function");
        let param = || {
            self.params_node(f)
                .is_some_and(|ps| self.binding_param(ps, name).is_some())
        };
        if !javascript || !self.text(f).contains("arguments") || !param() {
            return false;
        }
        let read = |x: Node<'a>| {
            x.parent().is_some_and(|p| {
                let object = p
                    .child_by_field_name("object")
                    .is_some_and(|o| o.id() == x.id());
                let length = p.kind() == "member_expression"
                    && p.child_by_field_name("property")
                        .is_some_and(|q| self.text(q) == "length");
                object && (length || p.kind() == "subscript_expression") && self.read_as_value(p)
            })
        };
        self.walk(f, false).any(|step| {
            step.is_none_or(|(x, _)| {
                self.syn.identifiers.contains(&x.kind()) && self.text(x) == "arguments" && !read(x)
            })
        })
    }

    /// Whether the snippet may reach a PHP variable by another name: a reference (`&$x`,
    /// `& $x`), a variable variable (`$$x`, `${…}`), `$GLOBALS`, `extract`, `parse_str`.
    fn php_aliases(&self) -> bool {
        let src = self.src;
        let reference = src.match_indices('&').any(|(i, _)| {
            let before = src[..i].ends_with('&');
            let rest = src[i + 1..].trim_start();
            !before && rest.starts_with('$')
        });
        reference
            || src.contains("$$")
            || src.contains("${")
            || src.contains("$GLOBALS")
            || src.contains("extract(")
            || src.contains("parse_str(")
    }

    /// Whether `x` is an argument PHP's built-ins write through (`sscanf($s, "%s", $x)`,
    /// `preg_match($p, $s, $x)`, `settype($x, …)`).
    fn php_writes_argument(&self, x: Node<'a>) -> bool {
        const WRITERS: [&str; 15] = [
            "fscanf",
            "openssl_private_decrypt",
            "openssl_public_decrypt",
            "socket_recv",
            "mb_ereg",
            "sscanf",
            "preg_match",
            "preg_match_all",
            "settype",
            "exec",
            "str_replace",
            "str_ireplace",
            "similar_text",
            "mb_parse_str",
            "openssl_open",
        ];
        let call = x
            .parent()
            .filter(|p| p.kind() == "argument")
            .and_then(|a| a.parent())
            .and_then(|list| list.parent());
        call.and_then(|c| callee(c))
            .is_some_and(|f| WRITERS.contains(&self.text(f)))
    }

    /// Whether every occurrence of `name` under `scope`, nested functions included (the
    /// second argument says whether it is in one), as a variable or as a pattern that
    /// binds one (JavaScript's `({ name } = …)`), passes `ok`.
    fn every_occurrence(
        &self,
        scope: Node<'a>,
        name: &str,
        ok: impl Fn(Node<'a>, bool) -> bool,
    ) -> bool {
        for step in self.walk(scope, false) {
            let Some((x, nested)) = step else {
                return false;
            };
            let named = (self.syn.identifiers.contains(&x.kind())
                || x.kind().ends_with("identifier_pattern")
                || x.kind() == "shorthand_property_identifier")
                && self.text(x) == name;
            if named && !ok(x, nested) {
                return false;
            }
        }
        true
    }

    /// Whether `f` makes `name` its own variable: declares it (`let`, `:=`, a typed
    /// declaration), or, where assigning declares (Python, Ruby, PHP), assigns it without
    /// a `global` or `nonlocal` for it. An assignment to a module's variable is no
    /// declaration: any call may change it again.
    fn declared_in(&self, f: Node<'a>, name: &str) -> bool {
        let declaring =
            |k: &str| k.contains("declarator") || k == "short_var_declaration" || k == "var_spec";
        let languages_declare = self.syn.assignments.iter().any(|(k, _, _)| declaring(k));
        let mut declared = false;
        for step in self.walk(f, true) {
            let Some((x, _)) = step else {
                return false;
            };
            let kind = x.kind();
            if kind.contains("global") || kind.contains("nonlocal") {
                if self.identifiers_in(x).iter().any(|i| self.text(*i) == name) {
                    return false;
                }
                continue;
            }
            let plain = self.as_definition(x, name).is_some_and(|d| !d.augmented);
            declared |= plain && (!languages_declare || declaring(kind));
            declared |= kind == "variable_declarator" && self.pattern_binds(x, name);
        }
        declared
    }

    /// Whether the declarator `d` destructures into `name`: JavaScript's `const { sort } =
    /// req.query`, `const { s: sort = "id" } = …`, `const [sort] = …`. Not a name read
    /// for a default (`{ a = sort }`).
    fn pattern_binds(&self, d: Node<'a>, name: &str) -> bool {
        let Some(pattern) = d
            .child_by_field_name("name")
            .filter(|p| p.kind().ends_with("_pattern"))
        else {
            return false;
        };
        let mut stack = vec![pattern];
        while let Some(x) = stack.pop() {
            if !self.spend() {
                return false;
            }
            let binds = matches!(
                x.kind(),
                "identifier" | "shorthand_property_identifier_pattern"
            );
            if binds && self.text(x) == name {
                return true;
            }
            let default = x.kind().ends_with("assignment_pattern");
            stack.extend(named_children(x).filter(|c| {
                !(default
                    && x.child_by_field_name("right")
                        .is_some_and(|r| r.id() == c.id()))
            }));
        }
        false
    }

    /// The condition of the nearest statement or expression above `id`, in its function,
    /// that only lets `id`'s name through as a member ([`Flow::membership`]): a conditional
    /// whose branch holds `id`, or an earlier statement that leaves unless the name is a
    /// member ([`Flow::leaves_unless_member`]).
    fn membership_check(&self, id: Node<'a>) -> Option<Node<'a>> {
        let name = self.text(id);
        // The path from the root down to `id`, a visit a level ([`Flow::scopes`] says why).
        let mut path = vec![self.root];
        let mut cur = self.root;
        while cur.id() != id.id() {
            if !self.spend() {
                return None;
            }
            cur = cur.child_with_descendant(id)?;
            path.push(cur);
        }
        for pair in path.windows(2).rev() {
            let (above, child) = (pair[0], pair[1]);
            if self.syn.functions.contains(&above.kind()) {
                return None;
            }
            if let Some((condition, when)) = self.branch_of(above, child) {
                if self.membership(condition, name) == Some(when) {
                    return Some(condition);
                }
            }
            // Ruby's `rescue` runs when a statement before it failed, `ensure` always.
            if HANDLERS.contains(&child.kind()) {
                continue;
            }
            let earlier = named_children(above).take_while(|s| s.id() != child.id());
            let earlier: Vec<Node<'a>> = earlier.collect();
            for s in earlier.into_iter().rev() {
                if !self.spend() {
                    return None;
                }
                if self.leaves_unless_member(s, name) {
                    return s.child_by_field_name("condition");
                }
            }
        }
        None
    }

    /// When `child` is a branch of the conditional `n` (a statement or an expression): the
    /// condition, and the value it has whenever that branch runs.
    fn branch_of(&self, n: Node<'a>, child: Node<'a>) -> Option<(Node<'a>, bool)> {
        if !CONDITIONALS.contains(&n.kind()) {
            return None;
        }
        if let Some(condition) = n.child_by_field_name("condition") {
            if condition.id() == child.id() {
                return None;
            }
            // Ruby's `unless` runs its consequence when the condition is false.
            let runs_when = !n.kind().starts_with("unless");
            let truthy = n
                .child_by_field_name("consequence")
                .or_else(|| n.child_by_field_name("body"));
            if truthy.is_some_and(|t| t.id() == child.id()) {
                return Some((condition, runs_when));
            }
            let falsy = n.child_by_field_name("alternative");
            return falsy
                .is_some_and(|f| f.id() == child.id())
                .then_some((condition, !runs_when));
        }
        // Python's `a if c else b` has no field names.
        let parts: Vec<Node<'a>> = named_children(n)
            .filter(|c| c.kind() != "comment")
            .collect();
        match parts[..] {
            [a, c, _] if a.id() == child.id() => Some((c, true)),
            [_, c, b] if b.id() == child.id() => Some((c, false)),
            _ => None,
        }
    }

    /// Whether statement `s` leaves (returns, throws, breaks out) unless `name` is a member:
    /// `if (!ALLOWED.includes(name)) throw …`, `if name not in ALLOWED: raise`, Ruby's
    /// `raise … unless ALLOWED.include?(name)`.
    fn leaves_unless_member(&self, s: Node<'a>, name: &str) -> bool {
        if !CONDITIONALS.contains(&s.kind()) {
            return false;
        }
        let Some(condition) = s.child_by_field_name("condition") else {
            return false;
        };
        let Some(leaving) = s
            .child_by_field_name("consequence")
            .or_else(|| s.child_by_field_name("body"))
        else {
            return false;
        };
        // After `s`, the condition has the value that does not run the branch.
        let after = s.kind().starts_with("unless");
        self.exits(leaving) && self.membership(condition, name) == Some(after)
    }

    /// Whether a branch's last statement leaves the code that follows: a `return`, a
    /// `throw`, a `break`, or a call the language makes leave ([`Syntax::exits`]: `panic`,
    /// `sys.exit`, Ruby's `raise`), never a function of the snippet's own (`fail(res)`).
    fn exits(&self, mut n: Node<'a>) -> bool {
        const LEAVE: [&str; 12] = [
            "return_statement",
            "throw_statement",
            "throw_expression",
            "raise_statement",
            "break_statement",
            "continue_statement",
            "exit_statement",
            "return",
            "break",
            "next",
            "retry",
            "redo",
        ];
        const BLOCKS: [&str; 7] = [
            "block",
            "statement_block",
            "compound_statement",
            "statement_list",
            "then",
            "body_statement",
            "expression_statement",
        ];
        for _ in 0..MAX_NESTING {
            if !self.spend() {
                return false;
            }
            if LEAVE.contains(&n.kind()) {
                return true;
            }
            // Rails' `head :bad_request and return`: what answers the request returns it,
            // which is true (`puts … and return` returns `nil` and never leaves).
            if n.kind() == "binary" {
                let mut operands = named_children(n);
                if let (Some(l), Some(r)) = (operands.next(), operands.next()) {
                    let answers = self.syn.calls.contains(&l.kind())
                        && callee(l).is_some_and(|f| {
                            matches!(
                                self.text(f),
                                "head" | "render" | "redirect_to" | "redirect_back"
                            )
                        });
                    if answers && matches!(self.operator_between(l, r)[..], ["and"] | ["&&"]) {
                        n = r;
                        continue;
                    }
                }
                return false;
            }
            if self.syn.calls.contains(&n.kind()) {
                return callee(n).is_some_and(|f| {
                    self.syn.exits.contains(&self.text(f)) || self.flask_abort(self.text(f))
                });
            }
            if self.syn.identifiers.contains(&n.kind()) {
                // Ruby's bare `raise`.
                return self.syn.exits.contains(&self.text(n));
            }
            if !BLOCKS.contains(&n.kind()) {
                return false;
            }
            match named_children(n).filter(|c| c.kind() != "comment").last() {
                Some(last) => n = last,
                None => return false,
            }
        }
        false
    }

    /// Whether a call to `name` is Flask's `abort(400)`, which raises: `flask.abort`, or
    /// `abort` imported from Flask or Werkzeug on one line, where every other `abort` in
    /// the snippet is a call of it (no parameter, definition, assignment or other import
    /// by that name, and no word in a comment of that line). Imported under another name
    /// only, a bare `abort(400)` raises `NameError`, which leaves too.
    fn flask_abort(&self, name: &str) -> bool {
        if name == "flask.abort" {
            return true;
        }
        if name != "abort" {
            return false;
        }
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut imported = false;
        for (i, _) in self.src.match_indices("abort") {
            let (before, after) = (&self.src[..i], &self.src[i + "abort".len()..]);
            if word(before.chars().next_back()) || word(after.chars().next()) {
                continue;
            }
            let line = &before[before.rfind('\n').map_or(0, |p| p + 1)..];
            let flask_import = !line.contains('#')
                && (line.trim_start().starts_with("from flask import ")
                    || line
                        .trim_start()
                        .starts_with("from werkzeug.exceptions import "));
            if flask_import {
                imported = true;
                continue;
            }
            let call = after.trim_start().starts_with('(') && !before.trim_end().ends_with("def");
            if !call {
                return false;
            }
        }
        imported
    }

    /// What condition `c` says of `name`'s membership in a literal collection of constants
    /// ([`Flow::constant_collection`]): `Some(true)` when the name is a member whenever `c`
    /// is true (`ALLOWED.includes(name)`, `name in ALLOWED`, `in_array($name, [...], true)`,
    /// `allowed[name]`), `Some(false)` when it is one whenever `c` is false (`!…`, `not
    /// in`), `None` when `c` says nothing of it.
    fn membership(&self, c: Node<'a>, name: &str) -> Option<bool> {
        let _nest = self.enter()?;
        let c = self.unwrap(c);
        let operands: Vec<Node<'a>> = named_children(c)
            .filter(|k| k.kind() != "comment")
            .collect();
        let names = |x: Node<'a>| {
            let x = self.unwrap(x);
            self.syn.identifiers.contains(&x.kind()) && self.text(x) == name
        };
        if let Some((collection, item, member)) = self.membership_test(c) {
            return (names(item) && self.constant_collection(collection)).then_some(member);
        }
        let first = c.child(0).map(|t| self.text(t));
        match (first, &operands[..]) {
            (Some("!" | "not"), [x]) => return self.membership(*x, name).map(|member| !member),
            // PHP's `isset($allowed[$name])`.
            (Some("isset"), _) => {
                let args = c.child_by_field_name("arguments")?;
                return self.membership(named_children(args).next()?, name);
            }
            _ => {}
        }
        if SUBSCRIPTS.contains(&c.kind()) {
            // Go's `allowed[name]` in a map of booleans, JavaScript's in an object.
            let (collection, index) = (operands.first()?, operands.get(1)?);
            return (names(*index) && self.constant_collection(*collection)).then_some(true);
        }
        let [left, right] = operands[..] else {
            return None;
        };
        let op = self.operator_between(left, right);
        if let Some(member) = self.index_membership(left, right, &op, name) {
            return Some(member);
        }
        match op[..] {
            // Both hold when `a && b` does; neither when `a || b` does not.
            ["&&"] | ["and"] => [left, right]
                .iter()
                .any(|x| self.membership(*x, name) == Some(true))
                .then_some(true),
            ["||"] | ["or"] => [left, right]
                .iter()
                .any(|x| self.membership(*x, name) == Some(false))
                .then_some(false),
            _ => None,
        }
    }

    /// `T.indexOf(k) === -1` (not a member), `T.indexOf(k) !== -1`, `>= 0`, `> -1` (a
    /// member), with `T` a literal collection of constants ([`Flow::membership`]).
    fn index_membership(
        &self,
        left: Node<'a>,
        right: Node<'a>,
        op: &[&str],
        name: &str,
    ) -> Option<bool> {
        let (call, bound, flipped) = if self.syn.calls.contains(&self.unwrap(left).kind()) {
            (self.unwrap(left), self.unwrap(right), false)
        } else {
            (self.unwrap(right), self.unwrap(left), true)
        };
        let func = callee(call)?;
        let [item] = named_children(call.child_by_field_name("arguments")?)
            .filter(|k| k.kind() != "comment")
            .collect::<Vec<_>>()[..]
        else {
            return None;
        };
        let item = self.unwrap(item);
        let tests = last_segment(self.text(func)) == "indexOf"
            && self.syn.identifiers.contains(&item.kind())
            && self.text(item) == name
            && receiver(call, func).is_some_and(|r| self.constant_collection(r));
        if !tests {
            return None;
        }
        let bound: String = self.text(bound).split_whitespace().collect();
        // Written as `index OP bound`; `bound OP index` reads the other way round.
        let op = match (op, flipped) {
            ([o], false) => *o,
            (["<"], true) => ">",
            ([">"], true) => "<",
            (["<="], true) => ">=",
            ([">="], true) => "<=",
            ([o], true) => *o,
            _ => return None,
        };
        match (op, bound.as_str()) {
            ("===" | "==", "-1") | ("<", "0") => Some(false),
            ("!==" | "!=", "-1") | (">=", "0") | (">", "-1") => Some(true),
            _ => None,
        }
    }

    /// The collection and the item of a membership test, and whether it is true for a
    /// member: `T.includes(k)` (and `has`, `contains`, `include?`, `get`…), `k in T`, `k not
    /// in T`, `in_array($k, T)`, `slices.Contains(T, k)`.
    fn membership_test(&self, c: Node<'a>) -> Option<(Node<'a>, Node<'a>, bool)> {
        let operands: Vec<Node<'a>> = named_children(c)
            .filter(|k| k.kind() != "comment")
            .collect();
        if !self.syn.calls.contains(&c.kind()) {
            let [left, right] = operands[..] else {
                return None;
            };
            return match self.operator_between(left, right)[..] {
                ["in"] => Some((right, left, true)),
                ["not", "in"] => Some((right, left, false)),
                _ => None,
            };
        }
        let func = callee(c)?;
        let text = self.text(func);
        let args: Vec<Node<'a>> = c
            .child_by_field_name("arguments")
            .map(|a| {
                named_children(a)
                    .filter(|k| k.kind() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        match (last_segment(text), &args[..]) {
            (m, [item]) if MEMBERSHIP_METHODS.contains(&m) => {
                Some((receiver(c, func)?, *item, true))
            }
            // PHP's loose `in_array` lets `"10 OR 1=1"` match `10`, and anything `true`.
            ("in_array", [item, collection, strict])
                if self.text(self.unwrap(*strict)).eq_ignore_ascii_case("true") =>
            {
                Some((*collection, *item, true))
            }
            ("array_key_exists", [item, collection]) => Some((*collection, *item, true)),
            ("Contains", [collection, item]) if text == "slices.Contains" => {
                Some((*collection, *item, true))
            }
            _ => None,
        }
    }

    /// The words of the operator between two operands (`["not", "in"]`).
    fn operator_between(&self, left: Node<'_>, right: Node<'_>) -> Vec<&'a str> {
        self.src
            .get(left.end_byte()..right.start_byte())
            .unwrap_or("")
            .split_whitespace()
            .collect()
    }

    /// Whether `x` is the collection that a membership test reads
    /// ([`Flow::membership_test`]), which leaves it as it was.
    fn tested_for_membership(&self, x: Node<'a>) -> bool {
        let mut n = x;
        // Up through an argument's wrapper, the argument list, a member access, and
        // parentheses around a type assertion (`(T as readonly string[]).includes(k)`).
        for _ in 0..5 {
            let Some(p) = n.parent() else {
                return false;
            };
            // `T.indexOf(k) === -1` reads `T` as `T.includes(k)` does.
            let index_of = self.syn.calls.contains(&p.kind())
                && callee(p).is_some_and(|f| last_segment(self.text(f)) == "indexOf")
                && receiver_is(p, x);
            let tests_x = index_of
                || self
                    .membership_test(p)
                    .is_some_and(|(collection, ..)| self.unwrap(collection).id() == x.id());
            if tests_x {
                return true;
            }
            n = p;
        }
        false
    }

    fn conversion_of_constants(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(func) = callee(n) else {
            return false;
        };
        let name = last_segment(self.text(func));
        let args = n.child_by_field_name("arguments");
        let made = args
            .and_then(|a| a.named_child(0))
            .is_some_and(|t| matches!(t.kind(), "slice_type" | "map_type" | "array_type"));
        if self.syn.builders.contains(&self.text(func)) {
            // Go's `marks = append(marks, "?")`: `marks` as it was, and constants.
            return self.arguments_constant(n, depth);
        }
        if self.text(func) == "make" && made {
            // Go's `make([]string, n)`: zero values, whatever the size.
            return args.is_some_and(|a| {
                named_children(a)
                    .skip(1)
                    .all(|x| self.constant_at(x, depth))
            });
        }
        if n.child_by_field_name("block").is_some() {
            // Ruby's `.collect { |c| … }`: the block makes the values.
            return false;
        }
        // Formatting only constants (`", ".join(["%s"] * n)`) also yields a constant.
        let conversion = CONVERSIONS.contains(&name)
            || self.syn.format_fns.contains(&name)
            || func.kind().contains("type");
        if !conversion {
            return false;
        }
        if let Some(obj) = receiver(n, func) {
            let ok = self.constant_at(obj, depth)
                || (self.syn.identifiers.contains(&obj.kind())
                    && self.text(obj).starts_with(|c: char| c.is_ascii_uppercase()))
                || self.text(obj) == "bytes"
                || self.syn.text_packages.contains(&self.text(obj));
            if !ok {
                return false;
            }
        }
        self.arguments_constant(n, depth)
    }

    /// Whether every argument of call `n` is constant (true with none).
    fn arguments_constant(&self, n: Node<'a>, depth: u8) -> bool {
        match n.child_by_field_name("arguments") {
            // `",".join("?" for _ in ids)`: a lone generator is the argument list itself.
            Some(args) if args.kind() == "generator_expression" => self.constant_at(args, depth),
            Some(args) => named_children(args).all(|a| self.constant_at(a, depth)),
            None => true,
        }
    }

    fn has_interpolation(&self, n: Node<'a>) -> bool {
        !self.interpolations(n).0.is_empty()
    }

    /// The outermost interpolation nodes inside a string literal, and whether the whole
    /// string was read: a list cut short by the budget shows the string interpolates, never
    /// that it does not. Leaves (text, escapes) cost a visit per 64: 25,000 `\n` must not
    /// hide the interpolation after them, and still count when a question reads the string
    /// again and again.
    fn interpolations(&self, n: Node<'a>) -> (Vec<Node<'a>>, bool) {
        const LEAVES_PER_VISIT: u32 = 64;
        let mut out = Vec::new();
        if self.syn.interpolations.is_empty() {
            return (out, true);
        }
        let mut leaves = 0u32;
        let mut stack: Vec<Node<'a>> = named_children(n).collect();
        while let Some(x) = stack.pop() {
            if self.syn.interpolations.contains(&x.kind()) {
                // Recorded before it is paid for: a string whose last visit finds one still
                // interpolates.
                out.push(x);
                if !self.spend() {
                    return (out, false);
                }
                continue;
            }
            let leaf = x.named_child_count() == 0;
            if leaf {
                leaves += 1;
                if leaves % LEAVES_PER_VISIT != 0 {
                    continue;
                }
            }
            if !self.spend() {
                return (out, false);
            }
            if !leaf {
                stack.extend(named_children(x));
            }
        }
        (out, true)
    }

    /// A call to one of the language's cleansers (`htmlspecialchars(…)`, `int(…)`).
    fn is_cleanser_call(&self, n: Node<'_>) -> bool {
        self.syn.calls.contains(&n.kind())
            && callee(n).is_some_and(|f| self.syn.cleansers.contains(&last_segment(self.text(f))))
    }

    fn contains_cleanser(&self, n: Node<'a>) -> bool {
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            // Out of budget: assume a cleanser, so the source is looked into, not reported.
            if !self.spend() || self.is_cleanser_call(x) {
                return true;
            }
            stack.extend(named_children(x));
        }
        false
    }

    // ----- dynamic --------------------------------------------------------------------------

    /// True when the value is a string built from at least one non-constant part.
    pub(crate) fn is_dynamic(&self, n: Node<'a>) -> bool {
        self.dynamic_at(n, 0)
    }

    fn dynamic_at(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(_nest) = self.enter() else {
            return false;
        };
        let n = self.unwrap(n);
        let kind = n.kind();
        if depth > MAX_DEPTH {
            return false;
        }
        if self.syn.strings.contains(&kind) {
            return self.has_interpolation(n) && !self.constant_at(n, depth);
        }
        if self.syn.binaries.contains(&kind) {
            let op = n
                .child_by_field_name("operator")
                .map(|o| self.text(o))
                .unwrap_or("");
            return self.syn.concat_ops.contains(&op)
                && self.stringish(n, depth)
                && !self.constant_at(n, depth);
        }
        if self.syn.calls.contains(&kind) {
            return self.formatting_call(n, depth);
        }
        if self.syn.identifiers.contains(&kind) {
            return self.identifier_dynamic(n, depth);
        }
        false
    }

    /// A binary expression that involves a string (so `+` concatenates rather than adds).
    fn stringish(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(_nest) = self.enter() else {
            return false;
        };
        named_children(n).any(|c| {
            let c = self.unwrap(c);
            self.syn.strings.contains(&c.kind())
                || (self.syn.binaries.contains(&c.kind()) && self.stringish(c, depth))
                || self.dynamic_at(c, depth + 1)
                || (self.syn.identifiers.contains(&c.kind())
                    && self.definitions(c).iter().any(|d| {
                        let v = self.unwrap(d.value);
                        self.syn.strings.contains(&v.kind()) || self.dynamic_at(v, depth + 1)
                    }))
        })
    }

    fn formatting_call(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(func) = callee(n) else {
            return false;
        };
        if !self.syn.format_fns.contains(&last_segment(self.text(func))) {
            return false;
        }
        let receiver_dynamic = receiver(n, func).is_some_and(|o| {
            let o = self.unwrap(o);
            (self.syn.strings.contains(&o.kind()) && !self.constant_at(o, depth))
                || (self.syn.identifiers.contains(&o.kind()) && self.dynamic_at(o, depth + 1))
                || (self.syn.calls.contains(&o.kind()) && self.call_receiver_dynamic(o, depth))
        });
        receiver_dynamic || !self.arguments_constant(n, depth)
    }

    /// Whether a receiver that is itself a call makes text from something not constant:
    /// another formatting call (`q.concat(name).concat("'")`), or a builder made on the spot
    /// (`new StringBuilder("…").append(name)`, `new StringBuilder("… " + name)`). Each link
    /// of the chain is read in turn, none of them a hop to a variable's value.
    fn call_receiver_dynamic(&self, mut r: Node<'a>, depth: u8) -> bool {
        while self.syn.calls.contains(&r.kind()) {
            let Some(func) = callee(r).filter(|_| self.spend()) else {
                return false;
            };
            let name = last_segment(self.text(func));
            let args_dynamic = !self.arguments_constant(r, depth);
            let link = self.syn.appenders.contains(&name) || self.syn.format_fns.contains(&name);
            if !link {
                // The chain's root: a constructor's arguments are the builder's first text;
                // what another call returns is not known.
                let constructor = r.kind().contains("creation") || r.kind() == "new_expression";
                return constructor && args_dynamic;
            }
            if args_dynamic {
                return true;
            }
            match receiver(r, func) {
                Some(next) => r = self.unwrap(next),
                None => return false,
            }
        }
        self.dynamic_at(r, depth + 1)
    }

    fn identifier_dynamic(&self, n: Node<'a>, depth: u8) -> bool {
        let defs = self.definitions(n);
        // Appended to, and used or given values in ways not followed: built, not known.
        if defs.iter().any(|d| d.arguments.is_some()) && !self.appends_only(n, depth + 1) {
            return true;
        }
        defs.iter().any(|d| {
            if d.augmented || d.arguments.is_some() {
                !self.def_constant(d, depth + 1)
            } else {
                self.dynamic_at(d.value, depth + 1)
            }
        })
    }

    // ----- sources and parameters -----------------------------------------------------------

    /// True when the value mentions a known untrusted source, directly or via variables.
    pub(crate) fn flows_from_source(&self, n: Node<'a>) -> bool {
        self.source_at(n, 0)
    }

    fn source_at(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(_nest) = self.enter() else {
            return false;
        };
        if depth > MAX_DEPTH || self.is_cleanser_call(n) {
            return false;
        }
        if self.sources.is_match(self.text(n)) {
            // A source wrapped in a cleanser (`intval($_GET['p'])`) is clean; look inside
            // only when there is one.
            if !self.contains_cleanser(n) {
                return true;
            }
            return named_children(n).any(|c| self.source_at(c, depth));
        }
        // Every identifier inside `n` is resolved in `n`'s scopes (a lambda inside the
        // expression is read as its surroundings): one descent per question, not one per name.
        let scopes = self.scopes(n);
        self.identifiers_in(n).into_iter().any(|id| {
            self.handler_param(id, &scopes)
                || self
                    .definitions_in_scopes(id, &scopes)
                    .iter()
                    .any(|d| d.given().any(|v| self.source_at(v, depth + 1)))
        })
    }

    /// True when the value flows from a parameter of the enclosing function.
    pub(crate) fn flows_from_param(&self, n: Node<'a>) -> bool {
        self.param_at(n, 0)
    }

    fn param_at(&self, n: Node<'a>, depth: u8) -> bool {
        let Some(_nest) = self.enter() else {
            return false;
        };
        if depth > MAX_DEPTH {
            return false;
        }
        let scopes = self.scopes(n);
        self.identifiers_in(n).into_iter().any(|id| {
            let defs = self.definitions_in_scopes(id, &scopes);
            if defs.is_empty() {
                self.param_of_enclosing(id, &scopes).is_some()
            } else {
                defs.iter()
                    .any(|d| d.given().any(|v| self.param_at(v, depth + 1)))
            }
        })
    }

    /// True when `id` is a parameter of an HTTP handler, or its declaration carries a
    /// request annotation (`@RequestParam String q`).
    fn handler_param(&self, id: Node<'a>, scopes: &[Scope<'a>]) -> bool {
        let Some((scope, decl)) = self.param_of_enclosing(id, scopes) else {
            return false;
        };
        if self.sources.is_match(self.text(decl)) {
            return true;
        }
        let func = scope.node;
        let head_start = scope
            .parent
            .filter(|p| p.kind() == "decorated_definition")
            .map_or(func.start_byte(), |p| p.start_byte());
        let head_end = self
            .params_node(func)
            .map_or(func.start_byte(), |p| p.end_byte());
        let head = self.src.get(head_start..head_end).unwrap_or("");
        self.handler.is_match(head)
    }

    /// The enclosing function (of `scopes`) and the parameter declaration that binds `id`'s
    /// name, if any.
    fn param_of_enclosing(
        &self,
        id: Node<'a>,
        scopes: &[Scope<'a>],
    ) -> Option<(Scope<'a>, Node<'a>)> {
        let name = self.text(id);
        if name.is_empty() || name == "self" || name == "this" {
            return None;
        }
        scopes.iter().find_map(|s| {
            if !self.syn.functions.contains(&s.node.kind()) {
                return None;
            }
            let params = self.params_node(s.node)?;
            self.binding_param(params, name).map(|decl| (*s, decl))
        })
    }

    /// The parameter list of a function node (C-like grammars keep it in the declarator).
    fn params_node<'t>(&self, func: Node<'t>) -> Option<Node<'t>> {
        // JavaScript's `sort => …` has one, unparenthesized.
        if let Some(p) = func
            .child_by_field_name("parameters")
            .or_else(|| func.child_by_field_name("parameter"))
        {
            return Some(p);
        }
        let mut d = func.child_by_field_name("declarator");
        while let Some(x) = d {
            if let Some(p) = x.child_by_field_name("parameters") {
                return Some(p);
            }
            d = x.child_by_field_name("declarator");
        }
        None
    }

    /// The parameter declaration within `params` that binds `name`.
    fn binding_param(&self, params: Node<'a>, name: &str) -> Option<Node<'a>> {
        if self.syn.identifiers.contains(&params.kind()) {
            return (self.text(params) == name).then_some(params);
        }
        for decl in named_children(params) {
            let mut stack = vec![(decl, params)];
            while let Some((x, parent)) = stack.pop() {
                if !self.spend() {
                    return None;
                }
                // JavaScript's `function f({ sort })` binds through a shorthand pattern.
                let binds = self.syn.identifiers.contains(&x.kind())
                    || x.kind() == "shorthand_property_identifier_pattern";
                if binds && self.text(x) == name {
                    // A default value's identifiers are not bindings (`{ a = sort }`).
                    let is_default = ["value", "right"].iter().any(|f| {
                        parent
                            .child_by_field_name(f)
                            .is_some_and(|v| v.id() == x.id())
                    });
                    if !is_default {
                        return Some(decl);
                    }
                }
                stack.extend(named_children(x).map(|c| (c, x)));
            }
        }
        None
    }

    /// The variables `n` reads, each name once (its first use): `a + a + …` asks about `a`
    /// once, however many terms there are.
    fn identifiers_in(&self, n: Node<'a>) -> Vec<Node<'a>> {
        let mut out: Vec<Node<'a>> = Vec::new();
        let mut stack = vec![(n, None::<Node<'a>>)];
        while let Some((x, parent)) = stack.pop() {
            if !self.spend() {
                break;
            }
            if self.is_cleanser_call(x) {
                continue;
            }
            if self.syn.identifiers.contains(&x.kind()) {
                // Skip the property part of `obj.prop` and keyword-argument names.
                let is_name_only = parent.is_some_and(|p| {
                    ["attribute", "property", "name", "field"]
                        .iter()
                        .any(|f| p.child_by_field_name(f).is_some_and(|c| c.id() == x.id()))
                        && p.kind() != "variable_name"
                        && !self.syn.identifiers.contains(&p.kind())
                });
                let name = self.text(x);
                if !is_name_only && !out.iter().any(|o| self.text(*o) == name) {
                    out.push(x);
                }
            }
            // Children pushed last to first, so they are read in source order.
            let first = stack.len();
            stack.extend(named_children(x).map(|c| (c, Some(x))));
            stack[first..].reverse();
        }
        out
    }

    // ----- definitions ----------------------------------------------------------------------

    /// The assignments that give the variable `id` its value at its use: the last plain
    /// assignment before the use and every augmented one (`+=`, `.=`) after it, searched in
    /// the innermost scope that assigns the name, then outwards.
    fn definitions(&self, id: Node<'a>) -> Vec<Def<'a>> {
        let scopes = self.scopes(id);
        self.definitions_in_scopes(id, &scopes)
    }

    /// [`Flow::definitions`] of `id` searched in `scopes`, innermost first.
    fn definitions_in_scopes(&self, id: Node<'a>, scopes: &[Scope<'a>]) -> Vec<Def<'a>> {
        self.defining_scope(id, scopes)
            .map(|(_, defs)| defs)
            .unwrap_or_default()
    }

    /// The innermost of `scopes` that assigns `id`'s name, with [`Flow::definitions`]; none
    /// past a function that has it as a parameter.
    fn defining_scope(
        &self,
        id: Node<'a>,
        scopes: &[Scope<'a>],
    ) -> Option<(Node<'a>, Vec<Def<'a>>)> {
        let name = match id.kind() {
            // Shell reads `$cmd` and `${cmd}` where it assigns `cmd`.
            "simple_expansion" | "expansion" => self
                .text(id)
                .trim_start_matches('$')
                .trim_start_matches('{')
                .trim_end_matches('}'),
            _ => self.text(id),
        };
        if name.is_empty() {
            return None;
        }
        // The innermost clause binding the name, found once: the scopes are nested, so it
        // is between `id` and each scope that holds it.
        let clause = scopes
            .last()
            .and_then(|outermost| self.clause_binding(id, outermost.node, name));
        for s in scopes {
            let defs = self.definitions_in(s.node, name, id.start_byte());
            // A loop's element or a caught exception by that name hides what the scope
            // gave the name before, unless the clause's own body gives it a value first.
            let in_scope = |c: &Node<'a>| {
                s.node.start_byte() <= c.start_byte() && c.end_byte() <= s.node.end_byte()
            };
            if let Some(clause) = clause.filter(in_scope) {
                let inside = |d: &Def<'a>| {
                    d.value.start_byte() >= clause.start_byte()
                        && d.value.end_byte() <= clause.end_byte()
                };
                if !defs.iter().any(inside) {
                    return None;
                }
            }
            if !defs.is_empty() {
                return Some((s.node, defs));
            }
            // A parameter by that name hides what outer scopes give the name (a Java
            // field's initializer `sort = "id"` is not the `sort` a method is handed).
            let param = self.syn.functions.contains(&s.node.kind())
                && self
                    .params_node(s.node)
                    .is_some_and(|p| self.binding_param(p, name).is_some());
            if param {
                return None;
            }
        }
        None
    }

    /// The loop, comprehension or catch clause between `id` and `scope` that binds `name`
    /// for the code `id` is in: `for col in cols`, `for (const col of cols)`, `[… for col
    /// in cols]`, `catch (col)`, `except E as col`. Not for its header (`for col in col`).
    ///
    /// Walked down from `scope`, as [`Flow::scopes`] does: each parent step is a search
    /// from the root, which deep expressions cannot afford.
    fn clause_binding(&self, id: Node<'a>, scope: Node<'a>, name: &str) -> Option<Node<'a>> {
        let mut innermost = None;
        let mut cur = scope;
        while cur.id() != id.id() && self.spend() {
            let Some(next) = cur.child_with_descendant(id) else {
                break;
            };
            let binds = cur.id() != scope.id()
                && self
                    .clause_targets(cur, next)
                    .into_iter()
                    .flat_map(|t| self.identifiers_in(t))
                    .any(|i| self.text(i) == name);
            if binds {
                innermost = Some(cur);
            }
            cur = next;
        }
        innermost
    }

    /// Whether `id` is what a loop or comprehension takes from a collection of constants
    /// (`for col in ("name", "email")`, `for (const col of COLS)`), the clause being what
    /// gives it its value there. Not Ruby's `for`, whose elements change in place.
    fn loop_element_constant(&self, id: Node<'a>, depth: u8) -> bool {
        let name = self.text(id);
        let Some(clause) = self
            .scopes(id)
            .last()
            .and_then(|outermost| self.clause_binding(id, outermost.node, name))
        else {
            return false;
        };
        // A comprehension walks in the clause whose targets hold the name.
        let walked = self.walked_by(clause).or_else(|| {
            named_children(clause)
                .filter(|c| c.kind() == "for_in_clause")
                .find(|c| {
                    c.child_by_field_name("left").is_some_and(|l| {
                        self.identifiers_in(l)
                            .into_iter()
                            .any(|i| self.text(i) == name)
                    })
                })
                .and_then(|c| c.child_by_field_name("right"))
        });
        walked.is_some_and(|w| self.constant_at(w, depth + 1))
    }

    /// What loop `l` walks: Python's `for c in l`, JavaScript's `for (c of l)`, Java's
    /// `for (String c : l)`, Go's `range l`, PHP's `foreach ($l as $c)`. Not Ruby's `for`,
    /// whose elements change in place.
    fn walked_by(&self, l: Node<'a>) -> Option<Node<'a>> {
        let field = |f: &str| l.child_by_field_name(f);
        match l.kind() {
            "for_in_statement" | "range_clause" => field("right"),
            "for_statement" => field("right").or_else(|| {
                named_children(l)
                    .find(|c| c.kind() == "range_clause")
                    .and_then(|r| r.child_by_field_name("right"))
            }),
            "enhanced_for_statement" => field("value"),
            "foreach_statement" => l.named_child(0),
            _ => None,
        }
    }

    /// What clause `a` binds for the code in its child `from`: a loop's targets in its
    /// body, a comprehension's in its body and in the clauses after theirs, a catch
    /// clause's exception in its body.
    fn clause_targets(&self, a: Node<'a>, from: Node<'a>) -> Vec<Node<'a>> {
        let field = |n: Node<'a>, f: &str| n.child_by_field_name(f);
        let in_body = field(a, "body").is_some_and(|b| b.id() == from.id());
        match a.kind() {
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => named_children(a)
                .take_while(|c| in_body || c.id() != from.id())
                .filter(|c| c.kind() == "for_in_clause")
                .filter_map(|c| field(c, "left"))
                .collect(),
            // Python's `except E as col:`, whose block is no field; the name is the alias
            // of an `as` pattern, or of the clause in newer grammars.
            "except_clause" if from.kind() == "block" => field(a, "alias")
                .or_else(|| {
                    named_children(a)
                        .find(|c| c.kind() == "as_pattern")
                        .and_then(|p| field(p, "alias"))
                })
                .into_iter()
                .collect(),
            _ if !in_body => Vec::new(),
            // Go's `for _, col := range cols`.
            "for_statement" => field(a, "left")
                .or_else(|| {
                    named_children(a)
                        .find(|c| c.kind() == "range_clause")
                        .and_then(|r| field(r, "left"))
                })
                .into_iter()
                .collect(),
            "for_in_statement" => field(a, "left").into_iter().collect(),
            "enhanced_for_statement" => field(a, "name").into_iter().collect(),
            "for" => field(a, "pattern").into_iter().collect(),
            // PHP's `foreach ($cols as $col)` and `as $k => $col`: what stands after `as`.
            "foreach_statement" => named_children(a)
                .skip(1)
                .filter(|c| c.id() != from.id())
                .collect(),
            "catch_clause" => field(a, "parameter")
                .or_else(|| field(a, "name"))
                .or_else(|| {
                    named_children(a)
                        .find(|c| c.kind() == "catch_formal_parameter")
                        .and_then(|p| field(p, "name"))
                })
                .into_iter()
                .collect(),
            "rescue" => field(a, "variable").into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the appends among `id`'s definitions may be read as all it is given: it is
    /// no parameter, its scope gives it exactly one plain value (an assignment, or a writer
    /// that replaces a buffer: `strcpy(q, "…")`), a new one (not another variable's list),
    /// and after that its name appears only as `id`, inside a size (`sizeof q`,
    /// `strlen(q)`), and as the root of appends of constants (`clauses.append("a = ?")`),
    /// those after `id` included (a loop runs them before it again). Any other use
    /// (`insert`, an index, `q + n`, a helper it is passed to, a nested function or block
    /// that names it) may change it in ways not followed; it is then no constant. A C
    /// buffer given its value by a writer must be declared in that scope, and its uses
    /// count from there, before the writer too (`if (!fgets(q, …)) strcpy(q, "…")`).
    fn appends_only(&self, id: Node<'a>, depth: u8) -> bool {
        let scopes = self.scopes(id);
        if self.param_of_enclosing(id, &scopes).is_some() {
            return false;
        }
        let Some((scope, defs)) = self.defining_scope(id, &scopes) else {
            return false;
        };
        let Some(base) = defs.first().filter(|d| !d.augmented) else {
            return false;
        };
        // A writer (`strcpy(q, "…")`) gives the buffer a value of its arguments, which
        // its caller reads as it reads any definition's.
        if base.arguments.is_none() && !self.fresh(base.value, depth) {
            return false;
        }
        let name = self.text(id);
        let every = self.every_definition_in(scope, name, id.start_byte(), false);
        if every.iter().filter(|d| !d.augmented).count() != 1 {
            return false;
        }
        let mut roots = vec![id.id()];
        let mut uses = Vec::new();
        // A C buffer is one object from its declaration on, and its writer may run in one
        // branch only: what is done to it before the writer counts too.
        let writer_base = base.arguments.is_some();
        let from = if writer_base { 0 } else { base.end };
        let lists = !writer_base && self.makes_a_list(base.value);
        // A buffer declared outside this function (a global) may be written by another.
        let mut declared = !writer_base;
        let mut stack = vec![scope];
        while let Some(x) = stack.pop() {
            if !self.spend() {
                return false;
            }
            // A function or block that names it, before the value too: a closure reads the
            // variable when it runs.
            if x.id() != scope.id() && self.syn.functions.contains(&x.kind()) {
                if self.text(x).contains(name) {
                    return false;
                }
                continue;
            }
            // `sizeof q`, `strlen(q)`, `len(clauses)`: read for a number, never changed; and a
            // buffer's declaration (`char q[128]`), no use of it.
            let declaration =
                writer_base && x.kind().ends_with("declarator") && x.kind() != "init_declarator";
            if declaration {
                declared |= x
                    .child_by_field_name("declarator")
                    .is_some_and(|d| self.text(d) == name);
                continue;
            }
            if x.kind() == "sizeof_expression" || self.measures_names(x) {
                continue;
            }
            stack.extend(named_children(x));
            if x.start_byte() < from {
                continue;
            }
            // A list's reads leave it as it was ([`Flow::leaves_list`]): `if clauses`,
            // `len(clauses)`, a loop over it. Its writes are the definitions checked here
            // and by its caller ([`Flow::element_writes`]).
            let read = || lists && !self.assignment_target(x) && self.leaves_list(x);
            if self.text(x) == name && x.is_named() && !read() {
                uses.push(x.id());
            }
            if let Some(root) = self.written(x).filter(|r| self.text(*r) == name) {
                match self.as_definition(x, name) {
                    Some(d) if self.def_constant(&d, depth) => roots.push(root.id()),
                    _ => return false,
                }
            }
        }
        declared && uses.iter().all(|u| roots.contains(u))
    }

    /// A numeric call given only names (`strlen(q)`, `len(clauses)`): it reads them for a
    /// number and changes none. `atoi(fgets(q, …))` is given a call, which may.
    fn measures_names(&self, x: Node<'_>) -> bool {
        self.syn.calls.contains(&x.kind())
            && self.numeric_call(x)
            && x.child_by_field_name("arguments").is_some_and(|a| {
                named_children(a).all(|v| self.syn.identifiers.contains(&self.unwrap(v).kind()))
            })
    }

    /// Whether `v` makes a new value of its own: a literal, or a call (`list()`, `new
    /// StringBuilder("…")`) given only constants. `base || []` or another variable may be
    /// a list that other names append to.
    fn fresh(&self, v: Node<'a>, depth: u8) -> bool {
        let v = self.unwrap(v);
        let kind = v.kind();
        if self.syn.arrays.contains(&kind) || self.syn.strings.contains(&kind) {
            return true;
        }
        self.syn.calls.contains(&kind) && self.arguments_constant(v, depth)
    }

    fn definitions_in(&self, scope: Node<'a>, name: &str, before: usize) -> Vec<Def<'a>> {
        let mut all = self.every_definition_in(scope, name, before, false);
        // A writer (`strcpy(q, …)`) may write in one branch only: the values before it
        // still count.
        let last_plain = all
            .iter()
            .rposition(|d| !d.augmented && d.arguments.is_none());
        match last_plain {
            Some(i) => all.split_off(i),
            None => all,
        }
    }

    /// Every assignment to `name` in `scope` that ends before `before`, in order of their
    /// ends; with `aliases`, bindings such as `with … as` too.
    fn every_definition_in(
        &self,
        scope: Node<'a>,
        name: &str,
        before: usize,
        aliases: bool,
    ) -> Vec<Def<'a>> {
        let mut all: Vec<Def<'a>> = Vec::new();
        let mut stack = vec![scope];
        while let Some(x) = stack.pop() {
            if x.start_byte() >= before {
                continue;
            }
            if !self.spend() {
                break;
            }
            if x.id() != scope.id() && self.syn.functions.contains(&x.kind()) {
                continue;
            }
            let def = self
                .as_definition(x, name)
                .or_else(|| aliases.then(|| self.as_alias(x, name)).flatten());
            if let Some(d) = def {
                if d.end <= before {
                    all.push(d);
                }
            }
            stack.extend(named_children(x));
        }
        all.sort_by_key(|d| d.end);
        all
    }

    /// `x` as a binding of `name` to its first named child's value (`with ZipFile(p) as z`).
    fn as_alias<'t>(&self, x: Node<'t>, name: &str) -> Option<Def<'t>> {
        let (_, field) = self.syn.aliases.iter().find(|(k, _)| *k == x.kind())?;
        let alias = x.child_by_field_name(field)?;
        if self.text(alias).trim() != name {
            return None;
        }
        Some(Def {
            value: x.named_child(0)?,
            augmented: false,
            arguments: None,
            size_at: None,
            end: x.end_byte(),
        })
    }

    /// `x` as an assignment to `name`, if it is one.
    fn as_definition<'t>(&self, x: Node<'t>, name: &str) -> Option<Def<'t>> {
        let kind = x.kind();
        if let Some((_, lf, rf)) = self.syn.assignments.iter().find(|(k, _, _)| *k == kind) {
            let left = x.child_by_field_name(lf)?;
            let right = x.child_by_field_name(rf)?;
            let targets: Vec<&str> = self
                .text(left)
                .split(',')
                .map(|t| t.trim().trim_start_matches(['*', '&']).trim())
                .collect();
            let pos = targets.iter().position(|t| *t == name)?;
            let op = self.assignment_operator(left, right);
            let augmented = !(op == "=" || op == ":=" || op.is_empty());
            let value = if targets.len() > 1 {
                let parts: Vec<Node<'t>> = named_children(right).collect();
                if parts.len() == targets.len() {
                    parts[pos]
                } else {
                    right
                }
            } else {
                right
            };
            return Some(Def {
                value,
                augmented,
                arguments: None,
                size_at: None,
                end: x.end_byte(),
            });
        }
        if kind == "binary" {
            // Ruby's `s << x` (and `s << x << y`, one level each) appends `x` to the string
            // or list `s` in place.
            let (l, r) = (x.named_child(0)?, x.named_child(1)?);
            let mut root = l;
            while root.kind() == "binary"
                && self.operator_between(root.named_child(0)?, root.named_child(1)?)[..] == ["<<"]
            {
                root = root.named_child(0)?;
            }
            let appends = self.operator_between(l, r)[..] == ["<<"] && self.text(root) == name;
            return appends.then_some(Def {
                value: r,
                augmented: true,
                arguments: None,
                size_at: None,
                end: x.end_byte(),
            });
        }
        if self.appended_root(x).is_some_and(|r| self.text(r) == name) {
            let args = x.child_by_field_name("arguments")?;
            return Some(Def {
                value: args,
                augmented: true,
                arguments: Some(0),
                size_at: None,
                end: x.end_byte(),
            });
        }
        if self.written_buffer(x).is_some_and(|b| self.text(b) == name) {
            let func = self.text(callee(x)?);
            return Some(Def {
                value: x.child_by_field_name("arguments")?,
                augmented: self.syn.appending_writers.contains(&func),
                arguments: Some(1),
                size_at: self
                    .syn
                    .sized_writers
                    .iter()
                    .find(|(w, _)| *w == func)
                    .map(|(_, at)| *at),
                end: x.end_byte(),
            });
        }
        None
    }

    /// The buffer the call `x` writes into, if it is a writer (`buf` in `sprintf(buf, …)`).
    fn written_buffer<'t>(&self, x: Node<'t>) -> Option<Node<'t>> {
        if self.syn.writers.is_empty() || !self.syn.calls.contains(&x.kind()) {
            return None;
        }
        if !self.syn.writers.contains(&self.text(callee(x)?)) {
            return None;
        }
        named_children(x.child_by_field_name("arguments")?).next()
    }

    /// What the call `x` gives a value to, if it appends or writes: an append chain's root
    /// or a writer's buffer.
    fn written<'t>(&self, x: Node<'t>) -> Option<Node<'t>> {
        self.appended_root(x).or_else(|| self.written_buffer(x))
    }

    /// What the call `x` appends to, if it is an append: the root of its chain.
    fn appended_root<'t>(&self, x: Node<'t>) -> Option<Node<'t>> {
        if !self.syn.calls.contains(&x.kind()) {
            return None;
        }
        let func = callee(x)?;
        if !self.syn.appenders.contains(&last_segment(self.text(func))) {
            return None;
        }
        receiver(x, func).map(|r| self.append_root(r))
    }

    /// The variable a chain of appends starts from: `sb` in `sb.append(a).append(b)`, each
    /// of whose calls appends to it.
    fn append_root<'t>(&self, mut r: Node<'t>) -> Node<'t> {
        while self.syn.calls.contains(&r.kind()) && self.spend() {
            let Some(func) = callee(r) else { break };
            if !self.syn.appenders.contains(&last_segment(self.text(func))) {
                break;
            }
            let Some(next) = receiver(r, func) else { break };
            r = self.unwrap(next);
        }
        r
    }

    /// The texts of every value variable `n` is given before its use, by plain assignments
    /// or bindings (`with ZipFile(p) as z`), in the innermost scope that gives it one; empty
    /// when `n` is no variable. All of them, so that one branch's value (`arc = ZipFile(p)`)
    /// does not speak for another's (`arc = tarfile.open(p)`).
    pub(crate) fn bound_values(&self, n: Node<'a>) -> Vec<&'a str> {
        if !self.syn.identifiers.contains(&n.kind()) {
            return Vec::new();
        }
        self.begin();
        let name = self.text(n);
        let defs = self
            .scopes(n)
            .iter()
            .map(|s| self.every_definition_in(s.node, name, n.start_byte(), true))
            .find(|defs| !defs.is_empty())
            .unwrap_or_default();
        // A walk the budget cut short may have missed a value: none is then known.
        if self.budget.get() == 0 {
            return Vec::new();
        }
        defs.into_iter()
            .filter(|d| !d.augmented && d.arguments.is_none())
            .map(|d| self.text(d.value))
            .collect()
    }

    // ----- keyword arguments ----------------------------------------------------------------

    /// The value of keyword argument / option `name` in a call (Python `f(x=1)`, Ruby
    /// `f(x: 1)`, an options object `f({x: 1})`).
    pub(crate) fn keyword_value<'t>(&self, call: Node<'t>, name: &str) -> Option<Node<'t>> {
        let args = call.child_by_field_name("arguments").unwrap_or(call);
        let mut stack: Vec<Node<'t>> = named_children(args).collect();
        while let Some(a) = stack.pop() {
            let a = self.unwrap(a);
            match a.kind() {
                "keyword_argument" | "pair" | "keyed_element" => {
                    let key = a
                        .child_by_field_name("name")
                        .or_else(|| a.child_by_field_name("key"))
                        .or_else(|| a.named_child(0));
                    let key_text = key.map(|k| self.text(k)).unwrap_or("");
                    let key_text = key_text.trim_matches(|c| c == '"' || c == '\'' || c == ':');
                    if key_text == name {
                        return a.child_by_field_name("value").or_else(|| a.named_child(1));
                    }
                }
                "object" | "hash" | "dictionary" | "literal_value" | "argument_list" => {
                    stack.extend(named_children(a));
                }
                _ => {}
            }
        }
        None
    }

    /// The text of the innermost function around `n`, or the whole snippet: the region a
    /// rule's sanitizer patterns are looked for in.
    pub(crate) fn enclosing_text(&self, n: Node<'a>) -> &'a str {
        self.begin();
        // Past the budget, the node itself: a sanitizer anywhere in the snippet must not
        // hide it.
        let scopes = self.scopes(n);
        scopes.first().map_or(self.text(n), |s| self.text(s.node))
    }
}

/// One assignment that contributes to a variable's value.
struct Def<'t> {
    value: Node<'t>,
    augmented: bool,
    /// For a call that appends (`sb.append(a)`) or writes (`sprintf(buf, …)`): `value` is
    /// its argument list, and what it adds or writes are the arguments from this index on.
    /// A writer that replaces the buffer (`strcpy`) is not `augmented`.
    arguments: Option<usize>,
    /// The argument that is a size (`n` in `snprintf(buf, n, …)`), not written content.
    size_at: Option<usize>,
    end: usize,
}

impl<'t> Def<'t> {
    /// What it gives the variable: its value, or the arguments an append adds or a writer
    /// writes (not the buffer, whose earlier value an append's other definitions carry).
    fn given(&self) -> impl Iterator<Item = Node<'t>> {
        let (value, from, size) = (self.value, self.arguments, self.size_at);
        let whole = from.is_none().then_some(value);
        let parts = from.map(|k| {
            named_children(value)
                .enumerate()
                .filter(move |(i, _)| *i >= k && Some(*i) != size)
                .map(|(_, a)| a)
        });
        whole.into_iter().chain(parts.into_iter().flatten())
    }
}

/// By index, lazily: tree-sitter keeps a long run of children in balanced hidden nodes, so
/// finding the i-th costs the log of their number, and a caller that stops early reads no
/// more.
fn named_children<'t>(n: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    (0..n.named_child_count()).filter_map(move |i| n.named_child(i as u32))
}

/// The function part of a call node, across grammars.
fn callee(call: Node<'_>) -> Option<Node<'_>> {
    call.child_by_field_name("function")
        .or_else(|| call.child_by_field_name("name"))
        .or_else(|| call.child_by_field_name("method"))
        .or_else(|| call.child_by_field_name("constructor"))
        .or_else(|| call.child_by_field_name("type"))
}

/// The object of a member access used as `call`'s callee `func` (`obj` in `obj.f`), across
/// grammars.
fn receiver<'t>(call: Node<'t>, func: Node<'t>) -> Option<Node<'t>> {
    func.child_by_field_name("object")
        .or_else(|| func.child_by_field_name("operand"))
        .or_else(|| {
            // Java and Ruby keep the receiver on the call node itself.
            call.child_by_field_name("object")
                .or_else(|| call.child_by_field_name("receiver"))
                .filter(|o| o.id() != func.id())
        })
}

/// Whether kind `k` reads or writes one element of a collection: [`SUBSCRIPTS`], and Ruby's
/// `l[0]`, which writes like them (`l[0] = x`).
fn element_kind(k: &str) -> bool {
    SUBSCRIPTS.contains(&k) || k == "element_reference"
}

/// Whether `x` is the object `call` is a method of.
fn receiver_is(call: Node<'_>, x: Node<'_>) -> bool {
    callee(call)
        .and_then(|f| receiver(call, f))
        .is_some_and(|r| r.id() == x.id())
}

/// Whether format string `s` has a conversion that prints a number as a character: `%c`
/// (C, Go, Java), `%lc`, Go's `%q` and `%U`.
fn char_conversion(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(at) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'%')) {
        let mut j = i + at + 1;
        if b.get(j) == Some(&b'%') {
            i = j + 1;
            continue;
        }
        // C's and Python's adjacent literals (`"%" "c"`) are one format.
        while b
            .get(j)
            .is_some_and(|c| b"-+ #0123456789.*lhL$[]\" \t\n".contains(c))
        {
            j += 1;
        }
        if b.get(j)
            .is_some_and(|c| matches!(c, b'c' | b'q' | b'U' | b'C'))
        {
            return true;
        }
        i = j;
    }
    false
}

/// Whether every conversion of printf-style format `s` prints a number (`%d`, `%5.2f`,
/// `%(n)x`, `%%`): what it formats cannot carry syntax.
fn numeric_conversions_only(s: &str) -> bool {
    // An escape may spell a `%` or a conversion (`'\x25s'`): not read.
    if s.contains('\\') {
        return false;
    }
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(at) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'%')) {
        let mut j = i + at + 1;
        if b.get(j) == Some(&b'(') {
            // Python's key may hold brackets of its own: `%(a(b)c)s`.
            let mut open = 0usize;
            loop {
                match b.get(j) {
                    Some(b'(') => open += 1,
                    Some(b')') => open -= 1,
                    Some(_) => {}
                    None => return false,
                }
                j += 1;
                if open == 0 {
                    break;
                }
            }
        }
        while b.get(j).is_some_and(|c| b"-+ #0123456789.*hlL".contains(c)) {
            j += 1;
        }
        match b.get(j) {
            Some(c) if b"diouxXeEfFgG%".contains(c) => i = j + 1,
            _ => return false,
        }
    }
    true
}

/// `format` from `"…".format`, `fmt.Sprintf`, `$x->query`, `String::from`.
fn last_segment(name: &str) -> &str {
    let name = name.trim();
    let cut = [".", "->", "::"]
        .iter()
        .filter_map(|sep| name.rfind(sep).map(|i| i + sep.len()))
        .max()
        .unwrap_or(0);
    name.get(cut..).unwrap_or(name).trim()
}

#[cfg(test)]
mod tests;
