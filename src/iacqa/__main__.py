from iacqa.cli import main

raise SystemExit(main())
