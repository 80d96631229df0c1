# expect: CWE-494
wget -qO- https://install.example.com/setup.sh | sudo sh
