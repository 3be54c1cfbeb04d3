/* exit.c: the cost of starting any C program (bench reference row). */
int main(void) { return 0; }
