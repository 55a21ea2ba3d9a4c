from ab_lint.cli import main

main()
