// expect: safe
public class Quiz {
    private final Random random = new Random();

    public List<Question> pick(List<Question> all) {
        Collections.shuffle(all, random);
        return all.subList(0, 10);
    }
}
