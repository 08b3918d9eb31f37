# what: calls helper id 10000, which does not exist
# type: tc

call 10000
exit
