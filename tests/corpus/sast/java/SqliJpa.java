// expect: CWE-89
public List<User> search(EntityManager em, String q) {
    return em.createQuery("SELECT u FROM User u WHERE u.name LIKE '%" + q + "%'", User.class).getResultList();
}
