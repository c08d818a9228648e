#!/usr/bin/env python
from platekeeper.cli import main

if __name__ == "__main__":
    main()
