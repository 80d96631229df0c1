# expect: safe
from flask import request
import json
@app.route("/u")
def users():
    cols = ["id", "name", "email"]
    logger.debug("cols %s", json.dumps(cols))
    cur.execute("SELECT " + ", ".join(cols) + " FROM users WHERE id = %s", (request.args["id"],))
