#!/usr/bin/env python
from epitope.cli import main

if __name__ == "__main__":
    main()
