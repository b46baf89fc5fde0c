from ehcp_qa.cli import main

raise SystemExit(main())
