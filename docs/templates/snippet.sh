# Commands for howto/example-guide.md. Lines outside a section are neither run nor shown.
# Sections hold no comments: a reader pastes them into an interactive shell.

# [start check]
echo "TODO: replace with the command that shows the page's goal was reached" && false
# [end check]

# [start cleanup]
echo "TODO: replace with the commands that delete what the page made" && false
# [end cleanup]
