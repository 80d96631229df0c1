// expect: CWE-917
public class Rules {
    private final ExpressionParser parser = new SpelExpressionParser();

    public Object eval(String expr) {
        return parser.parseExpression(expr).getValue();
    }
}
