//! Per-language facts about syntax-tree node kinds that the data-flow conditions need.
//!
//! The conditions in [`flow`](super::flow) ("this argument is a string built from non-literal
//! parts", "this value comes from a parameter") are written once, against these tables, instead
//! of once per language. Each table names the grammar's node kinds for string literals and the
//! pieces that make a string dynamic, binary operators that concatenate or format, assignments,
//! function scopes, and a regex of well-known untrusted sources (HTTP request fields, argv).
//!
//! Kinds were read off the grammars' trees for typical code; a kind missing here only makes
//! a condition more conservative (an unknown node is "not constant" and "not dynamic").

use super::lang::Lang;

/// Node-kind facts for one grammar.
pub(crate) struct Syntax {
    /// String literal kinds (which may still contain interpolations).
    pub strings: &'static [&'static str],
    /// Kinds inside a string literal that splice code into it.
    pub interpolations: &'static [&'static str],
    /// Other literal kinds (numbers, booleans, null, symbols).
    pub literals: &'static [&'static str],
    /// Binary-expression kinds; their operator decides concatenation.
    pub binaries: &'static [&'static str],
    /// Operators that build strings out of their operands.
    pub concat_ops: &'static [&'static str],
    /// Identifier kinds (a variable reference).
    pub identifiers: &'static [&'static str],
    /// Assignment kinds with their (target field, value field).
    pub assignments: &'static [(&'static str, &'static str, &'static str)],
    /// Kinds that bind the name in a field to the value of their first named child, with
    /// that field: Python's `with ZipFile(p) as z` (and `except E as e`). Read only by
    /// [`Flow::bound_values`](super::flow::Flow::bound_values), for rules that test what a
    /// variable holds: a `with` gives a context object, never the taint of its arguments.
    pub aliases: &'static [(&'static str, &'static str)],
    /// Kinds that open a function scope (parameters live in field `parameters`, or in a
    /// `declarator` for C-like grammars).
    pub functions: &'static [&'static str],
    /// Call kinds.
    pub calls: &'static [&'static str],
    /// Names of functions that format strings (`format`, `Sprintf`, …): a call to one with a
    /// non-constant argument builds a dynamic string.
    pub format_fns: &'static [&'static str],
    /// Functions that write their later arguments into their first (`sprintf(buf, …)`),
    /// which counts as an assignment to `buf`.
    pub writers: &'static [&'static str],
    /// The writers that add to what their first argument holds (`strcat`); the others
    /// replace it, and can be a buffer's one plain value.
    pub appending_writers: &'static [&'static str],
    /// The writers given a size (`snprintf(buf, n, …)`), with its argument's index: a number,
    /// not what is written.
    pub sized_writers: &'static [(&'static str, usize)],
    /// Transparent wrappers: looked through when classifying a value.
    pub wrappers: &'static [&'static str],
    /// Array/list literal kinds: constant when all elements are.
    pub arrays: &'static [&'static str],
    /// Whether an ALL-CAPS name is a constant by convention. Not in PHP (`$_GET`) nor in
    /// shell, where capitals are the environment's (`$QUERY_STRING`).
    pub caps_are_constants: bool,
    /// Well-known sources of untrusted input, matched against expression text.
    pub sources: &'static str,
    /// Calls whose result is clean whatever goes in (escaping, integer conversion, base
    /// names): taint does not flow through them.
    pub cleansers: &'static [&'static str],
    /// Calls that turn any value into a number or boolean: their result cannot carry SQL,
    /// shell or HTML syntax, so it counts as constant (`int(x)`, `Number(x)`, `intval($x)`).
    pub numeric: &'static [&'static str],
    /// Declarations that give their names a `type` (`int id`, `id int64`), in a language
    /// whose compiler holds a variable to it; empty where types are not enforced.
    pub typed_declarations: &'static [&'static str],
    /// Type names whose values are numbers or booleans (each word of a C type is one): a
    /// variable declared with one cannot carry syntax. `char`, `byte` and Go's `rune` are
    /// left out: one character may be a quote.
    pub number_types: &'static [&'static str],
    /// Standard packages whose functions convert text (Go's `strings.Join`): a receiver
    /// by that name is the package, not a variable.
    pub text_packages: &'static [&'static str],
    /// Calls that leave the code after them, besides the statements that do (`return`,
    /// `throw`): `panic`, `sys.exit`, Ruby's `raise`. Only names the language defines: a
    /// snippet's own `fail(res)` may return.
    pub exits: &'static [&'static str],
    /// Built-in functions that return their first argument with the others added (Go's
    /// `append`): constant when all their arguments are.
    pub builders: &'static [&'static str],
    /// Declarations of a class's fields whose number types count where a method uses the
    /// name without binding it (Java's `private int limit;`). Not C's or Go's struct
    /// fields, which a bare name never reads.
    pub number_fields: &'static [&'static str],
    /// Methods that append their arguments to the receiver (`sb.append(x)`,
    /// `parts.append(x)`), which counts as an augmented assignment to the receiver.
    pub appenders: &'static [&'static str],
}

const PY: Syntax = Syntax {
    strings: &["string", "concatenated_string"],
    interpolations: &["interpolation"],
    literals: &["integer", "float", "true", "false", "none"],
    binaries: &["binary_operator"],
    concat_ops: &["+", "%"],
    identifiers: &["identifier"],
    assignments: &[
        ("assignment", "left", "right"),
        ("augmented_assignment", "left", "right"),
    ],
    aliases: &[("as_pattern", "alias")],
    functions: &["function_definition", "lambda"],
    calls: &["call"],
    format_fns: &["format", "format_map", "join"],
    writers: &[],
    appending_writers: &[],
    sized_writers: &[],
    wrappers: &["parenthesized_expression", "expression_statement"],
    arrays: &["list", "tuple"],
    caps_are_constants: true,
    sources: r"\brequest\.(args|form|values|json|data|files|cookies|headers|get_json|GET|POST|query_params|body|path_params)\b|\binput\(|\bsys\.argv\b|\bflask\.request\b",
    cleansers: &[
        "escape",
        "quote",
        "secure_filename",
        "basename",
        "int",
        "float",
        "bool",
        "escape_filter_chars",
        "quote_plus",
        "urlencode",
        "clean",
    ],
    numeric: &["int", "float", "bool", "len", "round", "abs"],
    typed_declarations: &[],
    number_types: &[],
    text_packages: &[],
    number_fields: &[],
    exits: &["sys.exit", "exit", "quit", "os._exit"],
    builders: &[],
    appenders: &["append", "extend", "write"],
};

const JS: Syntax = Syntax {
    strings: &["string", "template_string"],
    interpolations: &["template_substitution"],
    literals: &["number", "true", "false", "null", "undefined", "regex"],
    binaries: &["binary_expression"],
    concat_ops: &["+"],
    identifiers: &["identifier"],
    assignments: &[
        ("variable_declarator", "name", "value"),
        ("assignment_expression", "left", "right"),
        ("augmented_assignment_expression", "left", "right"),
    ],
    aliases: &[],
    functions: &[
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    ],
    calls: &["call_expression", "new_expression"],
    format_fns: &["format", "concat", "join"],
    writers: &[],
    appending_writers: &[],
    sized_writers: &[],
    wrappers: &[
        "parenthesized_expression",
        "as_expression",
        "non_null_expression",
        "await_expression",
    ],
    arrays: &["array"],
    caps_are_constants: true,
    sources: r"\breq\.(query|body|params|headers|cookies|url|originalUrl)\b|\brequest\.(query|body|params|headers|url)\b|\bprocess\.argv\b|\blocation\.(hash|search|href)\b|\bctx\.(query|params|request)\b|\bsearchParams\.get\(|\bevent\.(body|queryStringParameters)\b",
    cleansers: &[
        "encodeURIComponent",
        "encodeURI",
        "escape",
        "escapeHtml",
        "basename",
        "parseInt",
        "parseFloat",
        "Number",
        "Boolean",
        "sanitize",
        "String",
    ],
    numeric: &[
        "Number",
        "parseInt",
        "parseFloat",
        "Boolean",
        "Math.floor",
        "Math.min",
        "Math.max",
        "Math.abs",
        "Math.trunc",
        "floor",
        "ceil",
        "round",
    ],
    typed_declarations: &[],
    number_types: &[],
    text_packages: &[],
    number_fields: &[],
    exits: &["process.exit"],
    builders: &[],
    appenders: &["push"],
};

const JAVA: Syntax = Syntax {
    strings: &["string_literal"],
    interpolations: &[],
    literals: &[
        "decimal_integer_literal",
        "hex_integer_literal",
        "decimal_floating_point_literal",
        "true",
        "false",
        "null_literal",
        "character_literal",
    ],
    binaries: &["binary_expression"],
    concat_ops: &["+"],
    identifiers: &["identifier"],
    assignments: &[
        ("variable_declarator", "name", "value"),
        ("assignment_expression", "left", "right"),
    ],
    aliases: &[],
    functions: &[
        "method_declaration",
        "constructor_declaration",
        "lambda_expression",
    ],
    calls: &["method_invocation", "object_creation_expression"],
    format_fns: &["format", "formatted", "concat", "join", "toString"],
    writers: &[],
    appending_writers: &[],
    sized_writers: &[],
    wrappers: &["parenthesized_expression", "cast_expression"],
    arrays: &["array_initializer", "array_creation_expression"],
    caps_are_constants: true,
    sources: r"\bgetParameter(Values|Map)?\(|\bgetHeader\(|\bgetQueryString\(|\bgetCookies\(|\bgetInputStream\(|\bgetReader\(|@RequestParam|@PathVariable|@RequestBody|\bgetPathInfo\(|\bgetRequestURI\(",
    cleansers: &[
        "forHtml",
        "htmlEscape",
        "escapeHtml4",
        "escapeHtml",
        "parseInt",
        "parseLong",
        "valueOf",
        "getName",
        "encode",
        "quote",
    ],
    numeric: &[
        "parseInt",
        "parseLong",
        "parseDouble",
        "intValue",
        "longValue",
        "size",
        "length",
    ],
    typed_declarations: &["formal_parameter", "local_variable_declaration"],
    number_types: &[
        "int", "long", "short", "double", "float", "boolean", "Integer", "Long", "Short", "Double",
        "Float", "Boolean",
    ],
    text_packages: &[],
    number_fields: &["field_declaration"],
    exits: &["System.exit"],
    builders: &[],
    appenders: &["append", "add"],
};

const GO: Syntax = Syntax {
    strings: &["interpreted_string_literal", "raw_string_literal"],
    interpolations: &[],
    literals: &[
        "int_literal",
        "float_literal",
        "true",
        "false",
        "nil",
        "rune_literal",
    ],
    binaries: &["binary_expression"],
    concat_ops: &["+"],
    identifiers: &["identifier"],
    assignments: &[
        ("short_var_declaration", "left", "right"),
        ("assignment_statement", "left", "right"),
        ("var_spec", "name", "value"),
        ("const_spec", "name", "value"),
    ],
    aliases: &[],
    functions: &["function_declaration", "method_declaration", "func_literal"],
    calls: &["call_expression"],
    format_fns: &["Sprintf", "Sprint", "Sprintln", "Join"],
    writers: &[],
    appending_writers: &[],
    sized_writers: &[],
    wrappers: &[
        "parenthesized_expression",
        "expression_list",
        "literal_element",
    ],
    arrays: &["composite_literal"],
    caps_are_constants: true,
    sources: r"\.URL\.Query\(\)|\.FormValue\(|\.PostFormValue\(|\.URL\.Path\b|\.Form\.Get\(|\bc\.(Param|Query|PostForm|DefaultQuery|FormValue|QueryParam)\(|\bos\.Args\b|\bmux\.Vars\(|\br\.Body\b|\br\.Header\.Get\(",
    cleansers: &[
        "Base",
        "EscapeString",
        "HTMLEscapeString",
        "QueryEscape",
        "PathEscape",
        "Atoi",
        "ParseInt",
        "Quote",
    ],
    numeric: &[
        "Itoa",
        "FormatInt",
        "FormatUint",
        "FormatFloat",
        "FormatBool",
        "Atoi",
        "ParseInt",
        "ParseUint",
        "ParseFloat",
        "ParseBool",
        "len",
    ],
    typed_declarations: &["parameter_declaration", "var_spec"],
    number_types: &[
        "int", "int8", "int16", "int32", "int64", "uint", "uint16", "uint32", "uint64", "uintptr",
        "float32", "float64", "bool",
    ],
    text_packages: &["strings", "fmt"],
    number_fields: &[],
    exits: &[
        "panic",
        "os.Exit",
        "log.Fatal",
        "log.Fatalf",
        "log.Fatalln",
        "log.Panic",
        "log.Panicf",
        "log.Panicln",
    ],
    builders: &["append"],
    appenders: &["WriteString", "Write"],
};

const PHP: Syntax = Syntax {
    strings: &[
        "string",
        "encapsed_string",
        "heredoc",
        "nowdoc",
        "shell_command_expression",
    ],
    interpolations: &[
        "variable_name",
        "subscript_expression",
        "member_access_expression",
        "dynamic_variable_name",
    ],
    literals: &["integer", "float", "boolean", "null"],
    binaries: &["binary_expression"],
    concat_ops: &["."],
    identifiers: &["variable_name"],
    assignments: &[
        ("assignment_expression", "left", "right"),
        ("augmented_assignment_expression", "left", "right"),
    ],
    aliases: &[],
    functions: &[
        "function_definition",
        "method_declaration",
        "anonymous_function",
        "arrow_function",
    ],
    calls: &[
        "function_call_expression",
        "member_call_expression",
        "scoped_call_expression",
    ],
    format_fns: &["sprintf", "vsprintf", "implode", "str_replace", "strtr"],
    writers: &[],
    appending_writers: &[],
    sized_writers: &[],
    wrappers: &["parenthesized_expression", "argument"],
    arrays: &["array_creation_expression"],
    caps_are_constants: false,
    sources: r"\$_(GET|POST|REQUEST|COOKIE|SERVER|FILES)\b|\bfile_get_contents\(\s*'php://input'|\$request->(input|get|query|post)\(",
    cleansers: &[
        "htmlspecialchars",
        "htmlentities",
        "intval",
        "floatval",
        "boolval",
        "strip_tags",
        "escapeshellarg",
        "basename",
        "urlencode",
        "rawurlencode",
        "json_encode",
        "ldap_escape",
        "quote",
        "real_escape_string",
        "mysqli_real_escape_string",
        "filter_var",
        "abs",
    ],
    numeric: &["intval", "floatval", "boolval", "count", "abs"],
    typed_declarations: &[],
    number_types: &[],
    text_packages: &[],
    number_fields: &[],
    exits: &[],
    builders: &[],
    appenders: &[],
};

const C: Syntax = Syntax {
    strings: &[
        "string_literal",
        "concatenated_string",
        "raw_string_literal",
    ],
    interpolations: &[],
    literals: &[
        "number_literal",
        "char_literal",
        "true",
        "false",
        "null",
        "nullptr",
    ],
    binaries: &["binary_expression"],
    concat_ops: &["+"],
    identifiers: &["identifier"],
    assignments: &[
        ("init_declarator", "declarator", "value"),
        ("assignment_expression", "left", "right"),
    ],
    aliases: &[],
    functions: &["function_definition", "lambda_expression"],
    calls: &["call_expression"],
    format_fns: &["format", "str"],
    writers: &[
        "sprintf",
        "snprintf",
        "strcpy",
        "strncpy",
        "strcat",
        "strncat",
        "vsprintf",
        "vsnprintf",
    ],
    appending_writers: &["strcat", "strncat"],
    sized_writers: &[
        ("snprintf", 1),
        ("vsnprintf", 1),
        ("strncpy", 2),
        ("strncat", 2),
    ],
    wrappers: &["parenthesized_expression", "cast_expression"],
    arrays: &["initializer_list"],
    caps_are_constants: true,
    sources: r"\bargv\[|\bgetenv\(|\bfgets\(|\bscanf\(|\brecv\(|\bread\(|\bstd::cin\b|\bgetline\(",
    cleansers: &["atoi", "atol", "strtol", "strtoul"],
    numeric: &["atoi", "atol", "strtol", "strtoul", "strlen", "sizeof"],
    typed_declarations: &["parameter_declaration", "declaration"],
    number_types: &[
        "int",
        "long",
        "short",
        "unsigned",
        "signed",
        "double",
        "float",
        "bool",
        "_Bool",
        "size_t",
        "ssize_t",
        "off_t",
        "time_t",
        "pid_t",
        "uid_t",
        "gid_t",
        "int8_t",
        "int16_t",
        "int32_t",
        "int64_t",
        "uint16_t",
        "uint32_t",
        "uint64_t",
        "intptr_t",
        "uintptr_t",
    ],
    text_packages: &[],
    number_fields: &[],
    exits: &["exit", "abort", "_exit", "quick_exit"],
    builders: &[],
    appenders: &["append", "push_back"],
};

const RUBY: Syntax = Syntax {
    strings: &["string", "subshell", "heredoc_body", "string_array"],
    interpolations: &["interpolation"],
    literals: &[
        "integer",
        "float",
        "true",
        "false",
        "nil",
        "simple_symbol",
        "constant",
    ],
    binaries: &["binary"],
    concat_ops: &["+", "<<", "%"],
    identifiers: &["identifier", "instance_variable"],
    assignments: &[
        ("assignment", "left", "right"),
        ("operator_assignment", "left", "right"),
    ],
    aliases: &[],
    functions: &["method", "singleton_method", "block", "do_block", "lambda"],
    calls: &["call"],
    format_fns: &["format", "sprintf", "join"],
    writers: &[],
    appending_writers: &[],
    sized_writers: &[],
    wrappers: &["parenthesized_statements", "argument_list"],
    arrays: &["array"],
    caps_are_constants: true,
    sources: r"\bparams\b|\brequest\.(params|query_string|body|headers|cookies)\b|\bcookies\[|\bARGV\b|\bgets\b",
    cleansers: &[
        "escape",
        "h",
        "html_escape",
        "escapeHTML",
        "basename",
        "to_i",
        "to_f",
        "sanitize",
        "shellescape",
        "quote",
    ],
    numeric: &[
        "to_i", "to_f", "Integer", "Float", "size", "length", "count",
    ],
    typed_declarations: &[],
    number_types: &[],
    text_packages: &[],
    number_fields: &[],
    exits: &["raise", "fail", "abort", "exit", "exit!"],
    builders: &[],
    // A string's in-place changes too: each puts its arguments in it.
    appenders: &[
        "concat", "push", "insert", "prepend", "replace", "unshift", "sub!", "gsub!", "tr!", "<<",
    ],
};

const BASH: Syntax = Syntax {
    strings: &["string", "raw_string", "word", "concatenation"],
    interpolations: &["simple_expansion", "expansion", "command_substitution"],
    literals: &["number"],
    binaries: &[],
    concat_ops: &[],
    identifiers: &["simple_expansion", "expansion"],
    assignments: &[("variable_assignment", "name", "value")],
    aliases: &[],
    functions: &["function_definition"],
    calls: &["command"],
    format_fns: &["printf"],
    writers: &[],
    appending_writers: &[],
    sized_writers: &[],
    wrappers: &[],
    arrays: &["array"],
    caps_are_constants: false,
    sources: r"\$\{?[0-9@*]|\$\{?(QUERY_STRING|REQUEST_URI|HTTP_\w+)\b|\bread\s",
    cleansers: &[],
    numeric: &[],
    typed_declarations: &[],
    number_types: &[],
    text_packages: &[],
    number_fields: &[],
    exits: &[],
    builders: &[],
    appenders: &[],
};

/// The table for a parsed language; config formats have none.
pub(crate) fn syntax(lang: Lang) -> Option<&'static Syntax> {
    match lang {
        Lang::Python => Some(&PY),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => Some(&JS),
        Lang::Java => Some(&JAVA),
        Lang::Go => Some(&GO),
        Lang::Php => Some(&PHP),
        Lang::C | Lang::Cpp => Some(&C),
        Lang::Ruby => Some(&RUBY),
        Lang::Bash => Some(&BASH),
        Lang::Dockerfile | Lang::Yaml | Lang::Terraform | Lang::Nginx => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parsed_language_has_a_table_and_valid_sources() {
        for l in Lang::ALL {
            assert_eq!(syntax(l).is_some(), !l.is_config(), "{l:?}");
            if let Some(s) = syntax(l) {
                assert!(regex::Regex::new(s.sources).is_ok(), "{l:?}");
            }
        }
    }

    #[test]
    fn listed_kinds_exist_in_the_grammar() {
        for l in Lang::ALL {
            let (Some(s), Some(g)) = (syntax(l), l.grammar()) else {
                continue;
            };
            let lists = [
                s.strings,
                s.interpolations,
                s.binaries,
                s.identifiers,
                s.functions,
                s.calls,
                s.wrappers,
                s.arrays,
            ];
            for kind in lists.iter().flat_map(|k| k.iter()) {
                // Kinds shared by a table across grammars (JS/TS, C/C++) may be absent in one.
                let shared = matches!(
                    l,
                    Lang::TypeScript | Lang::Tsx | Lang::JavaScript | Lang::C | Lang::Cpp
                );
                let id = g.id_for_node_kind(kind, true);
                assert!(id != 0 || shared, "{l:?} has no node kind {kind}");
            }
            for (kind, left, right) in s.assignments {
                assert!(
                    g.id_for_node_kind(kind, true) != 0 || l == Lang::C,
                    "{l:?} {kind}"
                );
                assert!(g.field_id_for_name(left).is_some(), "{l:?} field {left}");
                assert!(g.field_id_for_name(right).is_some(), "{l:?} field {right}");
            }
            for (kind, field) in s.aliases {
                assert!(g.id_for_node_kind(kind, true) != 0, "{l:?} {kind}");
                assert!(g.field_id_for_name(field).is_some(), "{l:?} field {field}");
            }
        }
    }
}
