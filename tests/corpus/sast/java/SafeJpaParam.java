// expect: safe
public List<User> search(EntityManager em, String q) {
    return em.createQuery("SELECT u FROM User u WHERE u.name LIKE :q", User.class)
             .setParameter("q", "%" + q + "%")
             .getResultList();
}
