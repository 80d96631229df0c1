# expect: CWE-732
sudo -u www-data chmod -R 777 /var/www/html
