# expect: CWE-89
def delete_item(db, item_id):
    cur = db.cursor()
    cur.execute("DELETE FROM items WHERE id = %s" % item_id)
    db.commit()
