<?php // expect: safe
exec('php artisan cache:clear', $output);
