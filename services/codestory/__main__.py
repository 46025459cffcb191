from codestory.cli import main

raise SystemExit(main())
