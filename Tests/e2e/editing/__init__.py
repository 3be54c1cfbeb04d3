"""runas -e and runasedit: copies, the editor, the write-back and every way
it can be refused or interrupted."""
