// expect: CWE-942
package main

func setup(r *gin.Engine) {
	r.Use(cors.New(cors.Config{AllowAllOrigins: true, AllowCredentials: true}))
}
