from command_console.cli import main

main()
