# expect: CWE-284
resource "google_compute_firewall" "rdp" {
  name    = "allow-rdp"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
  source_ranges = ["0.0.0.0/0"]
}
