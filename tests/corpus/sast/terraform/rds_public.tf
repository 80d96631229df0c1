# expect: CWE-668, CWE-311
resource "aws_db_instance" "main" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = true
  storage_encrypted   = false
  username            = "app"
  password            = var.db_password
}
