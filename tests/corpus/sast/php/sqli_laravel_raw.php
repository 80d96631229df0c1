<?php // expect: CWE-89
public function search(Request $request) {
    $term = $request->input('q');
    return DB::select("SELECT * FROM posts WHERE title LIKE '%" . $term . "%'");
}
