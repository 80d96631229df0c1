// expect: safe
const express = require("express");
const db = require("./db");
const app = express();

app.get("/users", async (req, res) => {
  const q = "SELECT id, name FROM users WHERE active = 1";
  const label = q.concat(" -- ", req.query.tag || "");
  res.set("x-query-length", String(label.length));
  res.json(await db.query(q));
});
